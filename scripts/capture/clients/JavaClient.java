// Fetches one URL with Java's standard clients: args[0] "httpclient" (java.net.http.HttpClient, defaults)
// or "urlconnection" (java.net.HttpURLConnection). Run by ../capture.mjs with the single-file source
// launcher (`java JavaClient.java MODE URL`); CA trust comes from -Djavax.net.ssl.trustStore.
import java.io.InputStream;
import java.net.URI;
import java.net.URL;
import java.net.HttpURLConnection;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

public class JavaClient {
    public static void main(String[] args) throws Exception {
        String mode = args[0], url = args[1];
        if (mode.equals("httpclient")) {
            HttpClient client = HttpClient.newHttpClient();
            HttpRequest req = HttpRequest.newBuilder(URI.create(url)).GET().build();
            client.send(req, HttpResponse.BodyHandlers.ofString());
        } else if (mode.equals("urlconnection")) {
            HttpURLConnection conn = (HttpURLConnection) new URL(url).openConnection();
            try (InputStream in = conn.getInputStream()) { in.readAllBytes(); }
        } else {
            throw new IllegalArgumentException("unknown mode " + mode);
        }
    }
}
