// Fetches one URL with Go's net/http default client (http.Get), as a plain Go program would.
// Used by ../capture.mjs, which builds it with `go build`; CA trust comes from SSL_CERT_FILE.
package main

import (
	"io"
	"os"
	"net/http"
)

func main() {
	res, err := http.Get(os.Args[1])
	if err != nil {
		os.Stderr.WriteString(err.Error() + "\n")
		os.Exit(1)
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
}
