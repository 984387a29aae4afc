package io.switchboard.bench;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The blocking client of the churn soak: one plain socket per HTTP request ({@code Connection: close}, as a browser
 * tab that signs in and goes away) and one per WebSocket connection, each closed by this side. Small and strict: it
 * speaks just enough HTTP/1.1 and RFC 6455 for the soak (unfragmented text frames, ping answered with pong, close
 * handshake), with a read timeout on every socket.
 */
final class ChurnClient implements AutoCloseable {

    private static final int TIMEOUT_MILLIS = 30_000;
    private static final String GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
    private static final Pattern STATUS = Pattern.compile("^HTTP/1\\.1 (\\d{3})");

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    private ChurnClient(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new java.io.BufferedInputStream(socket.getInputStream());
        this.out = socket.getOutputStream();
    }

    private static Socket open(InetSocketAddress server) throws IOException {
        Socket socket = new Socket();
        socket.setSoTimeout(TIMEOUT_MILLIS);
        socket.setTcpNoDelay(true);
        socket.connect(server, TIMEOUT_MILLIS);
        return socket;
    }

    /** {@code POST path} with a JSON body (or none) on a fresh connection; the response body, or an exception. */
    static String post(InetSocketAddress server, String path, String bearer, String json) throws IOException {
        byte[] body = json == null ? new byte[0] : json.getBytes(StandardCharsets.UTF_8);
        try (Socket socket = open(server)) {
            String head = "POST " + path + " HTTP/1.1\r\nHost: " + hostPort(server) + "\r\nAccept: application/json\r\n"
                    + (json == null ? "" : "Content-Type: application/json\r\n")
                    + (bearer == null ? "" : "Authorization: Bearer " + bearer + "\r\n")
                    + "Content-Length: " + body.length + "\r\nConnection: close\r\n\r\n";
            OutputStream out = socket.getOutputStream();
            out.write(head.getBytes(StandardCharsets.US_ASCII));
            out.write(body);
            out.flush();
            String response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            Matcher status = STATUS.matcher(response);
            if (!status.find() || !"200".equals(status.group(1))) {
                throw new IOException("POST " + path + ": " + firstLine(response));
            }
            return response.substring(response.indexOf("\r\n\r\n") + 4);
        }
    }

    /** Opens {@code path} (with its query) as a WebSocket; throws unless the server answers 101 with the right accept. */
    static ChurnClient connect(InetSocketAddress server, String path) throws IOException {
        Socket socket = open(server);
        try {
            byte[] nonce = new byte[16];
            ThreadLocalRandom.current().nextBytes(nonce);
            String key = Base64.getEncoder().encodeToString(nonce);
            String request = "GET " + path + " HTTP/1.1\r\nHost: " + hostPort(server)
                    + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: "
                    + key + "\r\n\r\n";
            socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            ChurnClient client = new ChurnClient(socket);
            String head = client.readHead();
            if (!head.startsWith("HTTP/1.1 101") || !head.contains(accept(key))) {
                throw new IOException("WebSocket handshake refused: " + head.replace("\r\n", " | "));
            }
            return client;
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    /** Sends one masked text frame. */
    void send(String text) throws IOException {
        writeFrame(0x1, text.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * The next text frame whose {@code "type"} is {@code type}; other text frames are skipped, pings answered.
     * Throws when the server closes first, or on the socket's read timeout.
     */
    String await(String type) throws IOException {
        String marker = "\"type\":\"" + type + "\"";
        while (true) {
            String frame = readText();
            if (frame == null) {
                throw new IOException("the server closed the connection while waiting for '" + type + "'");
            }
            if (frame.contains(marker)) {
                return frame;
            }
            if (frame.contains("\"type\":\"error\"")) {
                throw new IOException("error frame while waiting for '" + type + "': " + frame);
            }
        }
    }

    /** The close handshake: sends Close 1000 and reads until the server's Close, then closes the socket. */
    void closeCleanly() throws IOException {
        writeFrame(0x8, new byte[] {0x03, (byte) 0xE8});
        while (readText() != null) {
            // frames the server sent before it saw our close
        }
        socket.close();
    }

    /** Drops the TCP connection without a close frame, as a client that loses its network or is killed. */
    void abort() throws IOException {
        socket.setSoLinger(true, 0);
        socket.close();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    /** The next text message, or null once a Close frame arrived. */
    private String readText() throws IOException {
        DataInputStream data = new DataInputStream(in);
        while (true) {
            int b0 = data.readUnsignedByte();
            int b1 = data.readUnsignedByte();
            long length = b1 & 0x7F;
            if (length == 126) {
                length = data.readUnsignedShort();
            } else if (length == 127) {
                length = data.readLong();
            }
            if ((b1 & 0x80) != 0 || (b0 & 0x80) == 0 || length > 16 * 1024 * 1024) {
                throw new IOException("unexpected frame from the server (masked, fragmented or huge)");
            }
            byte[] payload = new byte[(int) length];
            data.readFully(payload);
            switch (b0 & 0x0F) {
                case 0x1:
                    return new String(payload, StandardCharsets.UTF_8);
                case 0x8:
                    return null;
                case 0x9:
                    writeFrame(0xA, payload);
                    break;
                default:
                    break; // pong, binary: not used by the server's chat endpoint
            }
        }
    }

    private void writeFrame(int opcode, byte[] payload) throws IOException {
        ByteArrayOutputStream frame = new ByteArrayOutputStream(payload.length + 14);
        frame.write(0x80 | opcode);
        if (payload.length < 126) {
            frame.write(0x80 | payload.length);
        } else if (payload.length < 65_536) {
            frame.write(0x80 | 126);
            frame.write(payload.length >>> 8);
            frame.write(payload.length);
        } else {
            throw new IOException("frame too large for the soak client");
        }
        byte[] mask = new byte[4];
        ThreadLocalRandom.current().nextBytes(mask);
        frame.write(mask);
        for (int i = 0; i < payload.length; i++) {
            frame.write(payload[i] ^ mask[i & 3]);
        }
        frame.writeTo(out);
        out.flush();
    }

    private String readHead() throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream(256);
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("the server closed the connection during the handshake");
            }
            head.write(b);
            matched = (b == (matched % 2 == 0 ? '\r' : '\n')) ? matched + 1 : (b == '\r' ? 1 : 0);
            if (head.size() > 16_384) {
                throw new IOException("handshake response too long");
            }
        }
        return head.toString(StandardCharsets.ISO_8859_1);
    }

    private static String accept(String key) {
        try {
            byte[] sha1 = MessageDigest.getInstance("SHA-1").digest((key + GUID).getBytes(StandardCharsets.US_ASCII));
            return Base64.getEncoder().encodeToString(sha1);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String hostPort(InetSocketAddress server) {
        return server.getHostString() + ":" + server.getPort();
    }

    private static String firstLine(String response) {
        int end = response.indexOf('\r');
        return end < 0 ? response : response.substring(0, end);
    }
}
