# Fetches one URL with the Python HTTP library named in argv[1] (urllib, requests, aiohttp, httpx), using
# the library's defaults exactly as a plain script would: no extra headers. Used by ../capture.mjs.
# CA trust for the capture's self-signed HTTPS cert comes from the environment (SSL_CERT_FILE etc.).
import sys

lib, url = sys.argv[1], sys.argv[2]

if lib == "urllib":
    import urllib.request
    with urllib.request.urlopen(url, timeout=10) as r:
        r.read()
elif lib == "requests":
    import requests
    requests.get(url, timeout=10).content
elif lib == "aiohttp":
    import asyncio, aiohttp

    async def main():
        async with aiohttp.ClientSession() as s:
            async with s.get(url) as r:
                await r.read()

    asyncio.run(main())
elif lib == "httpx":
    import httpx
    httpx.get(url, timeout=10).content
else:
    sys.exit("unknown library " + lib)
