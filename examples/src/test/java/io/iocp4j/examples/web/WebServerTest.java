package io.iocp4j.examples.web;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The web server as wrk, curl and browsers use it: an in-process server on an ephemeral port serving real files
 * from a temporary directory, spoken to over real sockets by java.net.http.HttpClient and by a raw Socket.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class WebServerTest {
    private static final int BIG = 20 << 20;
    private static final String DATE = "Date: [A-Z][a-z]{2}, \\d{1,2} [A-Z][a-z]{2} \\d{4} \\d{2}:\\d{2}:\\d{2} GMT";

    @TempDir
    static Path tmp;
    static Path www;
    static WebServer server;
    static HttpClient client;
    static byte[] big;
    static final List<byte[]> assorted = new ArrayList<>();

    @BeforeAll
    static void start() throws IOException {
        System.setProperty("iocp4j.quiet", "true");
        www = Files.createDirectory(tmp.resolve("www"));
        Files.writeString(www.resolve("hello.txt"), "hello\n");
        Files.createFile(www.resolve("empty.txt"));
        Files.writeString(www.resolve("index.html"), "<h1>home</h1>\n");
        Files.createDirectories(www.resolve("sub/docs"));
        Files.writeString(www.resolve("sub/docs/index.html"), "<p>docs</p>\n");
        Files.writeString(www.resolve("sub/page.html"), "<p>page</p>\n");
        Files.writeString(www.resolve("with space.txt"), "spaced\n");
        Random random = new Random(42);
        big = new byte[BIG];
        random.nextBytes(big);
        Files.write(www.resolve("big.bin"), big);
        for (int i = 0; i < 8; i++) {
            byte[] b = new byte[1 + random.nextInt(300_000)];
            random.nextBytes(b);
            assorted.add(b);
            Files.write(www.resolve("f" + i + ".bin"), b);
        }
        Files.writeString(tmp.resolve("secret.txt"), "TOP SECRET\n");
        Files.createSymbolicLink(www.resolve("out.txt"), tmp.resolve("secret.txt"));
        Files.createSymbolicLink(www.resolve("outdir"), tmp);
        Files.createSymbolicLink(www.resolve("in.txt"), www.resolve("hello.txt"));
        server = new WebServer("127.0.0.1", 0, 2, www);
        client = HttpClient.newHttpClient();
    }

    @AfterAll
    static void stop() {
        if (client != null) {
            client.close();
        }
        if (server != null) {
            server.close();
        }
    }

    private static HttpResponse<byte[]> get(String path) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }

    private static RawHttp raw() throws IOException {
        return new RawHttp(server.port());
    }

    @Test
    void smallFileHeadAndBodyExact() throws Exception {
        try (RawHttp c = raw()) {
            RawHttp.Response r = c.send(RawHttp.get("/hello.txt")).read();
            assertTrue(r.head().matches("HTTP/1\\.1 200 OK\r\nServer: iocp4j\r\n" + DATE + "\r\n"
                    + "Content-Type: text/plain; charset=utf-8\r\nContent-Length: 6\r\n\r\n"), r.head());
            assertEquals("hello\n", r.text());
        }
        HttpResponse<byte[]> r = get("/hello.txt");
        assertEquals(200, r.statusCode());
        assertEquals("hello\n", new String(r.body(), StandardCharsets.UTF_8));
        assertEquals("text/plain; charset=utf-8", r.headers().firstValue("content-type").orElseThrow());
    }

    @Test
    void contentTypesByExtension() throws Exception {
        String[][] cases = {{"a.html", "text/html; charset=utf-8"}, {"a.txt", "text/plain; charset=utf-8"},
                {"a.css", "text/css; charset=utf-8"}, {"a.js", "text/javascript; charset=utf-8"},
                {"a.json", "application/json"}, {"a.png", "image/png"}, {"a.jpg", "image/jpeg"},
                {"a.svg", "image/svg+xml"}, {"a.PNG", "image/png"}, {"a.xyz", "application/octet-stream"},
                {"noext", "application/octet-stream"}};
        try (RawHttp c = raw()) {
            for (String[] k : cases) {
                Files.writeString(www.resolve(k[0]), "x");
                RawHttp.Response r = c.send(RawHttp.get("/" + k[0])).read();
                assertEquals(200, r.status(), k[0]);
                assertEquals(k[1], r.header("Content-Type"), k[0]);
            }
        }
    }

    @Test
    void emptyFile() throws Exception {
        try (RawHttp c = raw()) {
            RawHttp.Response r = c.send(RawHttp.get("/empty.txt")).read();
            assertEquals(200, r.status());
            assertEquals("0", r.header("Content-Length"));
            assertEquals(0, r.body().length);
            assertEquals("hello\n", c.send(RawHttp.get("/hello.txt")).read().text(), "the connection goes on");
        }
    }

    @Test
    void twentyMebibytesVerifiedBySha256() throws Exception {
        HttpResponse<InputStream> r = client.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + server.port() + "/big.bin")).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(200, r.statusCode());
        assertEquals(BIG, r.headers().firstValueAsLong("content-length").orElseThrow());
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        long n = 0;
        try (InputStream in = r.body()) {
            byte[] b = new byte[1 << 16];
            for (int k; (k = in.read(b)) > 0; n += k) {
                sha.update(b, 0, k);
            }
        }
        assertEquals(BIG, n);
        assertEquals(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(big)),
                HexFormat.of().formatHex(sha.digest()));
    }

    @Test
    void headHasHeadersAndNoBody() throws Exception {
        try (RawHttp c = raw()) {
            RawHttp.Response r = c.send("HEAD /big.bin HTTP/1.1\r\nHost: t\r\n\r\n").read(true);
            assertEquals(200, r.status());
            assertEquals(String.valueOf(BIG), r.header("Content-Length"));
            assertEquals("application/octet-stream", r.header("Content-Type"));
            // No body bytes came: the very next bytes are the next response's status line.
            RawHttp.Response next = c.send(RawHttp.get("/hello.txt")).read();
            assertEquals("hello\n", next.text());
            RawHttp.Response missing = c.send("HEAD /nope HTTP/1.1\r\nHost: t\r\n\r\n").read(true);
            assertEquals(404, missing.status());
            assertEquals("hello\n", c.send(RawHttp.get("/hello.txt")).read().text());
        }
    }

    @Test
    void sizesBeyondFourGibibytes() throws Exception {
        long size = (5L << 30) + 7;
        try (var f = new java.io.RandomAccessFile(www.resolve("sparse.bin").toFile(), "rw")) {
            f.setLength(size);  // sparse: no 5 GiB written
            f.seek(size - 4);
            f.write(new byte[] {1, 2, 3, 4});
        }
        try (RawHttp c = raw()) {
            RawHttp.Response r = c.send("HEAD /sparse.bin HTTP/1.1\r\nHost: t\r\n\r\n").read(true);
            assertEquals(String.valueOf(size), r.header("Content-Length"));
            assertEquals("hello\n", c.send(RawHttp.get("/hello.txt")).read().text());
        } finally {
            Files.delete(www.resolve("sparse.bin"));
        }
    }

    @Test
    void missingFilesAndDirectories() throws Exception {
        assertEquals(404, get("/nope.txt").statusCode());
        assertEquals(404, get("/sub/").statusCode(), "a directory without index.html");
        assertEquals(404, get("/sub").statusCode());
        assertEquals(404, get("/hello.txt/x").statusCode(), "a file used as a directory");
        HttpResponse<byte[]> home = get("/");
        assertEquals(200, home.statusCode());
        assertEquals("<h1>home</h1>\n", new String(home.body(), StandardCharsets.UTF_8));
        assertEquals("<p>docs</p>\n", new String(get("/sub/docs/").body(), StandardCharsets.UTF_8));
        assertEquals("<p>docs</p>\n", new String(get("/sub/docs").body(), StandardCharsets.UTF_8));
    }

    @Test
    void pathsArePercentDecodedAndQueriesIgnored() throws Exception {
        assertEquals("spaced\n", new String(get("/with%20space.txt").body(), StandardCharsets.UTF_8));
        assertEquals("hello\n", new String(get("/%68ello.txt?download=1").body(), StandardCharsets.UTF_8));
        assertEquals("<p>page</p>\n", new String(get("/sub/./docs/../page.html").body(), StandardCharsets.UTF_8));
        assertEquals("hello\n", new String(get("/in.txt").body(), StandardCharsets.UTF_8), "a link inside the root");
        try (RawHttp c = raw()) {
            assertEquals("hello\n", c.send(RawHttp.get("/hello.txt?x=%zz#frag")).read().text(), "query not decoded");
            assertEquals(400, c.send(RawHttp.get("/%zz")).read().status());
            assertEquals(400, c.send(RawHttp.get("/a%2")).read().status());
            assertEquals(400, c.send(RawHttp.get("/a%00b")).read().status());
        }
    }

    @Test
    void traversalIsRefused() throws Exception {
        String[] attempts = {"/../secret.txt", "/%2e%2e/secret.txt", "/%2E%2E/secret.txt", "/..%2fsecret.txt",
                "/%2e%2e%2fsecret.txt", "/sub/../../secret.txt", "/sub/%2e%2e/%2e%2e/secret.txt", "/./../secret.txt",
                "/out.txt", "/outdir/secret.txt", "/..", "/%2e%2e"};
        try (RawHttp c = raw()) {
            for (String a : attempts) {
                RawHttp.Response r = c.send(RawHttp.get(a)).read();
                assertTrue(r.status() == 403 || r.status() == 404, a + " gave " + r.status());
                assertFalse(r.text().contains("SECRET"), a);
            }
        }
        assertEquals(403, get("/out.txt").statusCode(), "a link to outside the root");
    }

    @Test
    void otherMethodsAre405WithAllow() throws Exception {
        try (RawHttp c = raw()) {
            for (String m : new String[] {"DELETE", "PUT", "OPTIONS", "get"}) {
                RawHttp.Response r = c.send(m + " /hello.txt HTTP/1.1\r\nHost: t\r\n\r\n").read();
                assertEquals(405, r.status(), m);
                assertEquals("GET, HEAD", r.header("Allow"), m);
            }
            assertEquals("hello\n", c.send(RawHttp.get("/hello.txt")).read().text(), "still open");
        }
        try (RawHttp c = raw()) {
            RawHttp.Response r = c.send("POST /hello.txt HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\n\r\nabcde")
                    .read();
            assertEquals(405, r.status());
            assertEquals("close", r.header("Connection"), "a request body is not read: the connection closes");
            assertTrue(c.closedByServer());
        }
    }

    @Test
    void malformedRequestsAre400AndClose() throws Exception {
        String[] bad = {"GARBAGE\r\n\r\n", "GET\r\n\r\n", "GET /hello.txt\r\n\r\n", "GET hello.txt HTTP/1.1\r\n\r\n",
                "GET /hello.txt HTTP/1.1 extra\r\n\r\n", "GET /hello.txt FTP/1.1\r\n\r\n",
                "GET /hello.txt HTTP/1.1\r\nNoColonHere\r\n\r\n", "GET /hello.txt HTTP/1.1\r\nBad Name: x\r\n\r\n",
                "GET /hello.txt HTTP/1.1\r\n folded: x\r\n\r\n",
                "GET /hello.txt HTTP/1.1\r\nContent-Length: 1x\r\n\r\n", "\u0001\u0002\u0003\r\n\r\n"};
        for (String b : bad) {
            try (RawHttp c = raw()) {
                RawHttp.Response r = c.send(b).read();
                assertEquals(400, r.status(), b);
                assertEquals("close", r.header("Connection"), b);
                assertTrue(c.closedByServer(), b);
            }
        }
        try (RawHttp c = raw()) {
            assertEquals(505, c.send("GET / HTTP/2.0\r\n\r\n").read().status());
        }
        assertEquals(200, get("/hello.txt").statusCode(), "the server is fine");
    }

    @Test
    void oversizedHeadersAre431AndClose() throws Exception {
        try (RawHttp c = raw()) {
            RawHttp.Response r = c.send("GET /hello.txt HTTP/1.1\r\nHost: t\r\nX-Big: " + "a".repeat(20_000)
                    + "\r\n\r\n").read();
            assertEquals(431, r.status());
            assertTrue(c.closedByServer());
        }
        try (RawHttp c = raw()) {
            StringBuilder many = new StringBuilder("GET /hello.txt HTTP/1.1\r\n");
            for (int i = 0; i < 500; i++) {
                many.append("X-H").append(i).append(": 0123456789\r\n");
            }
            assertEquals(431, c.send(many.append("\r\n").toString()).read().status());
        }
        try (RawHttp c = raw()) {
            assertEquals(414, c.send("GET /" + "a".repeat(10_000) + " HTTP/1.1\r\n\r\n").read().status());
        }
        try (RawHttp c = raw()) {
            // Just under the limit is fine.
            String r = "GET /hello.txt HTTP/1.1\r\nHost: t\r\nX-Big: " + "a".repeat(8_000) + "\r\n\r\n";
            assertEquals("hello\n", c.send(r).read().text());
        }
    }

    @Test
    void keepAliveServesManyRequestsOnOneConnection() throws Exception {
        try (RawHttp c = raw()) {
            for (int i = 0; i < 20; i++) {
                int f = i % assorted.size();
                RawHttp.Response r = c.send(RawHttp.get("/f" + f + ".bin")).read();
                assertEquals(200, r.status());
                assertNull(r.header("Connection"), "HTTP/1.1 keeps the connection without saying so");
                assertArrayEquals(assorted.get(f), r.body(), "request " + i);
            }
        }
        try (RawHttp c = raw()) {
            RawHttp.Response r = c.send("GET /hello.txt HTTP/1.0\r\nConnection: keep-alive\r\n\r\n").read();
            assertEquals("keep-alive", r.header("Connection"));
            assertEquals("hello\n", c.send("GET /hello.txt HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n").read().text());
        }
    }

    @Test
    void pipelinedRequestsAreAnsweredInOrder() throws Exception {
        try (RawHttp c = raw()) {
            StringBuilder all = new StringBuilder();
            String[] paths = {"/hello.txt", "/f1.bin", "/nope", "/empty.txt", "/f2.bin", "/index.html", "/f1.bin"};
            for (String p : paths) {
                all.append(RawHttp.get(p));
            }
            all.append("HEAD /f3.bin HTTP/1.1\r\nHost: t\r\n\r\n").append(RawHttp.get("/hello.txt"));
            c.send(all.toString());
            assertEquals("hello\n", c.read().text());
            assertArrayEquals(assorted.get(1), c.read().body());
            assertEquals(404, c.read().status());
            assertEquals(0, c.read().body().length);
            assertArrayEquals(assorted.get(2), c.read().body());
            assertEquals("<h1>home</h1>\n", c.read().text());
            assertArrayEquals(assorted.get(1), c.read().body());
            assertEquals(String.valueOf(assorted.get(3).length), c.read(true).header("Content-Length"));
            assertEquals("hello\n", c.read().text());
        }
        try (RawHttp c = raw()) {
            // A head split across many small writes.
            for (char ch : RawHttp.get("/hello.txt").toCharArray()) {
                c.send(String.valueOf(ch));
            }
            assertEquals("hello\n", c.read().text());
        }
    }

    @Test
    void connectionCloseIsHonoured() throws Exception {
        try (RawHttp c = raw()) {
            RawHttp.Response r = c.send("GET /f0.bin HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n").read();
            assertEquals("close", r.header("Connection"));
            assertArrayEquals(assorted.get(0), r.body());
            assertTrue(c.closedByServer());
        }
        try (RawHttp c = raw()) {
            RawHttp.Response r = c.send("GET /hello.txt HTTP/1.0\r\n\r\n").read();
            assertEquals("close", r.header("Connection"), "HTTP/1.0 closes by default");
            assertEquals("hello\n", r.text());
            assertTrue(c.closedByServer());
        }
        try (RawHttp c = raw()) {
            // Requests pipelined after the one that closes are not answered.
            c.send(RawHttp.get("/hello.txt") + "GET /hello.txt HTTP/1.1\r\nConnection: close\r\n\r\n"
                    + RawHttp.get("/hello.txt"));
            assertNull(c.read().header("Connection"));
            assertEquals("close", c.read().header("Connection"));
            assertTrue(c.closedByServer());
        }
    }

    @Test
    void clientsVanishingMidDownloadLeaveTheServerHealthy() throws Exception {
        try (WebServer own = new WebServer("127.0.0.1", 0, 2, www)) {
            for (int i = 0; i < 6; i++) {
                RawHttp c = new RawHttp(own.port());
                c.send(RawHttp.get("/big.bin"));
                assertEquals(200, c.read(true).status());
                c.input().readNBytes(100_000 * (i + 1));
                if (i % 2 == 0) {
                    c.socket.setSoLinger(true, 0);  // reset instead of FIN
                }
                c.close();
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (own.openConnections() > 0 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertEquals(0, own.openConnections(), "every connection was closed and freed");
            try (RawHttp c = new RawHttp(own.port())) {
                assertArrayEquals(big, c.send(RawHttp.get("/big.bin")).read().body());
                assertEquals("hello\n", c.send(RawHttp.get("/hello.txt")).read().text());
            }
        }
    }

    @Test
    void idleAndTricklingConnectionsAreClosedAfterTheIdleTimeout() throws Exception {
        try (WebServer own = new WebServer("127.0.0.1", 0, 2, www, java.time.Duration.ofMillis(300))) {
            long start = System.nanoTime();
            try (RawHttp silent = new RawHttp(own.port())) {
                assertTrue(silent.closedByServer(), "a client that sends nothing is closed");
                assertTrue(System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(250), "not before the timeout");
            }
            try (RawHttp keptAlive = new RawHttp(own.port())) {
                assertEquals("hello\n", keptAlive.send(RawHttp.get("/hello.txt")).read().text());
                Thread.sleep(150);
                assertEquals("hello\n", keptAlive.send(RawHttp.get("/hello.txt")).read().text(),
                        "each request gets the whole timeout again");
                assertTrue(keptAlive.closedByServer(), "an idle keep-alive connection is closed");
            }
            try (RawHttp trickle = new RawHttp(own.port())) {
                long t0 = System.nanoTime();
                String head = RawHttp.get("/hello.txt");
                long refusedAfter = -1;
                for (int i = 0; i < head.length() && System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(3); i++) {
                    try {
                        trickle.send(head.substring(i, i + 1));  // one byte every 100 ms: 4 s for the whole head
                    } catch (java.io.IOException resetByServer) {
                        refusedAfter = System.nanoTime() - t0;
                        break;
                    }
                    Thread.sleep(100);
                }
                assertTrue(refusedAfter > 0 && refusedAfter < TimeUnit.MILLISECONDS.toNanos(1500),
                        "the clock runs from the start of the head, not per byte: " + refusedAfter / 1_000_000 + " ms");
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (own.openConnections() > 0 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertEquals(0, own.openConnections());
            try (RawHttp c = new RawHttp(own.port())) {
                assertEquals("hello\n", c.send(RawHttp.get("/hello.txt")).read().text(), "the server goes on");
            }
        }
        assertThrows(IllegalArgumentException.class,
                () -> new WebServer("127.0.0.1", 0, 1, www, java.time.Duration.ZERO));
    }

    @Test
    void fiftyConcurrentClients() throws Exception {
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Integer>> clients = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                int id = i;
                clients.add(pool.submit(() -> {
                    Random r = new Random(id);
                    int verified = 0;
                    try (RawHttp c = raw()) {
                        for (int k = 0; k < 10; k++) {
                            int f = r.nextInt(assorted.size());
                            byte[] body = c.send(RawHttp.get("/f" + f + ".bin")).read().body();
                            if (!Arrays.equals(assorted.get(f), body)) {
                                throw new AssertionError("client " + id + " request " + k + ": wrong bytes");
                            }
                            verified++;
                        }
                    }
                    if (id % 5 == 0) {
                        HttpResponse<byte[]> h = get("/f" + id % assorted.size() + ".bin");
                        assertArrayEquals(assorted.get(id % assorted.size()), h.body());
                        verified++;
                    }
                    return verified;
                }));
            }
            int total = 0;
            for (Future<Integer> f : clients) {
                total += f.get(30, TimeUnit.SECONDS);
            }
            assertEquals(50 * 10 + 10, total);
        }
    }
}
