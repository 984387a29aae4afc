package io.switchboard.it;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;

/**
 * WebSocket handshakes over a plain socket, for tests that open (and drop) many of them quickly: what a client
 * that is refused, or that goes away in the middle, does to the server.
 */
final class RawHandshake {

    private static final int TIMEOUT_MS = (int) WsClient.TIMEOUT.toMillis();

    private final URI ws;

    /** Handshakes with {@code ws} (ws://127.0.0.1:port/context). */
    RawHandshake(URI ws) {
        this.ws = ws;
    }

    /** The server's answer to a handshake: the status of its response and, after a 101, the close code it sent. */
    record Answer(int status, int closeCode) {}

    /**
     * Sends a handshake for {@code path} ({@code origin} null: none), reads the response's head and, after a 101,
     * the server's first frame, which must be a Close; replies with a Close and closes the socket.
     */
    Answer refused(String path, String origin) throws IOException {
        try (Socket socket = connect()) {
            socket.getOutputStream().write(request(path, origin));
            DataInputStream in = new DataInputStream(socket.getInputStream());
            int status = status(head(in));
            if (status != 101) {
                return new Answer(status, -1);
            }
            int opcode = in.readUnsignedByte() & 0x0F;
            int length = in.readUnsignedByte() & 0x7F;
            if (opcode != 0x8 || length < 2 || length > 125) {
                return new Answer(status, -opcode);
            }
            byte[] payload = in.readNBytes(length);
            int code = ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF);
            socket.getOutputStream().write(new byte[] {(byte) 0x88, (byte) 0x82, 0, 0, 0, 0, payload[0], payload[1]});
            return new Answer(status, code);
        }
    }

    /**
     * Sends a handshake for {@code path} with the given method, {@code Sec-WebSocket-Key} and
     * {@code Sec-WebSocket-Version} (null: the header is left out) and returns the response's head; the connection is
     * then closed.
     */
    String head(String method, String path, String key, String version) throws IOException {
        try (Socket socket = connect()) {
            socket.getOutputStream()
                    .write((method + " " + ws.getPath() + path + " HTTP/1.1\r\n"
                                    + "Host: 127.0.0.1:" + ws.getPort() + "\r\n"
                                    + "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                                    + (key == null ? "" : "Sec-WebSocket-Key: " + key + "\r\n")
                                    + (version == null ? "" : "Sec-WebSocket-Version: " + version + "\r\n")
                                    + ("POST".equals(method) ? "Content-Length: 0\r\n" : "")
                                    + "\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
            return head(new DataInputStream(socket.getInputStream()));
        }
    }

    /** The status code of a response head. */
    static int statusOf(String head) throws IOException {
        return status(head);
    }

    /** Sends the first {@code bytes} of a handshake for {@code path} (all of it when longer), then resets the connection. */
    void dropAfterSending(String path, int bytes) throws IOException {
        Socket socket = connect();
        byte[] request = request(path, null);
        socket.getOutputStream().write(request, 0, Math.min(bytes, request.length));
        reset(socket);
    }

    /** Sends a handshake for {@code path}, waits for the response's status line, then resets the connection. */
    void dropAfterResponse(String path) throws IOException {
        Socket socket = connect();
        try {
            socket.getOutputStream().write(request(path, null));
            InputStream in = socket.getInputStream();
            while (in.read() != '\n') {
                // the status line
            }
        } finally {
            reset(socket);
        }
    }

    private Socket connect() throws IOException {
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", ws.getPort()), TIMEOUT_MS);
        socket.setSoTimeout(TIMEOUT_MS);
        return socket;
    }

    private byte[] request(String path, String origin) {
        return ("GET " + ws.getPath() + path + " HTTP/1.1\r\n"
                        + "Host: 127.0.0.1:" + ws.getPort() + "\r\n"
                        + "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                        + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
                        + (origin == null ? "" : "Origin: " + origin + "\r\n")
                        + "\r\n")
                .getBytes(StandardCharsets.US_ASCII);
    }

    /** Reads a response's head, up to and including the blank line. */
    private static String head(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("connection closed in the response head: " + head);
            }
            head.write(b);
            matched = b == "\r\n\r\n".charAt(matched) ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        return head.toString(StandardCharsets.ISO_8859_1);
    }

    private static int status(String head) throws IOException {
        String[] line = head.split(" ", 3);
        if (line.length < 2 || !line[0].startsWith("HTTP/1.")) {
            throw new IOException("not an HTTP response: " + head);
        }
        return Integer.parseInt(line[1]);
    }

    /** Closes with a TCP reset (linger 0): the client vanished. */
    private static void reset(Socket socket) throws IOException {
        socket.setSoLinger(true, 0);
        socket.close();
    }
}
