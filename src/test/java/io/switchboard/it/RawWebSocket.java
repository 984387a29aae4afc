package io.switchboard.it;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.io.StringReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.ThreadLocalRandom;

/**
 * RFC 6455 over a plain socket, for frames no well-behaved client library would send: any first byte (FIN, reserved
 * bits, opcode), masked or not, and a declared payload length that need not match the bytes that follow.
 */
final class RawWebSocket implements AutoCloseable {

    static final int CONTINUATION = 0x0;
    static final int TEXT = 0x1;
    static final int CLOSE = 0x8;
    static final int PING = 0x9;
    static final int PONG = 0xA;
    static final int FIN = 0x80;

    /** A frame from the server. */
    record Frame(int opcode, byte[] payload) {
        String text() {
            return new String(payload, StandardCharsets.UTF_8);
        }

        /** The status code of a close frame, or -1 when it carries none. */
        int closeCode() {
            return payload.length >= 2 ? ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF) : -1;
        }
    }

    private final Socket socket;
    private final OutputStream out;
    private final DataInputStream in;

    /** Opens {@code /CONTEXT/ws/chat} with a fresh ticket of {@code user} and reads the handshake response. */
    static RawWebSocket chat(URI ws, String user) throws IOException {
        return new RawWebSocket(ws, "/ws/chat?ticket=" + Servers.ticket(ws, user));
    }

    private RawWebSocket(URI ws, String pathAndQuery) throws IOException {
        socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", ws.getPort()), (int) WsClient.TIMEOUT.toMillis());
        socket.setSoTimeout((int) WsClient.TIMEOUT.toMillis());
        out = socket.getOutputStream();
        in = new DataInputStream(socket.getInputStream());
        byte[] key = new byte[16];
        ThreadLocalRandom.current().nextBytes(key);
        String request = "GET " + ws.getPath() + pathAndQuery + " HTTP/1.1\r\n"
                + "Host: 127.0.0.1:" + ws.getPort() + "\r\n"
                + "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: " + Base64.getEncoder().encodeToString(key)
                + "\r\nSec-WebSocket-Version: 13\r\n\r\n";
        out.write(request.getBytes(StandardCharsets.US_ASCII));
        out.flush();
        StringBuilder headers = new StringBuilder();
        while (headers.indexOf("\r\n\r\n") < 0) {
            headers.append((char) in.readUnsignedByte());
        }
        if (!headers.toString().startsWith("HTTP/1.1 101")) {
            throw new IOException("handshake refused: " + headers);
        }
    }

    /** Reads the server's first frame, which must be {@code welcome}. */
    JsonObject welcome() throws IOException {
        JsonObject welcome = json(read());
        if (!"welcome".equals(welcome.getString("type"))) {
            throw new IOException("expected welcome, got " + welcome);
        }
        return welcome;
    }

    /** Sends a masked frame whose first byte is {@code first} (FIN, RSV1-3, opcode). */
    void send(int first, byte[] payload) throws IOException {
        write(first, payload.length, payload, true);
    }

    /** Sends a frame without a mask, which only a server may do. */
    void sendUnmasked(int first, byte[] payload) throws IOException {
        write(first, payload.length, payload, false);
    }

    /** Sends a masked close frame with {@code code} and a reason of raw bytes. */
    void sendClose(int code, byte[] reason) throws IOException {
        send(
                FIN | CLOSE,
                ByteBuffer.allocate(2 + reason.length)
                        .putShort((short) code)
                        .put(reason)
                        .array());
    }

    /** Sends a masked frame header declaring {@code length} payload bytes, followed by {@code payload} (fewer). */
    void sendPartial(int first, long length, byte[] payload) throws IOException {
        write(first, length, payload, true);
    }

    /** Sends more payload bytes of a frame whose header was sent before (their mask does not matter). */
    void sendMore(byte[] payload) throws IOException {
        out.write(payload);
        out.flush();
    }

    /** The next frame from the server. */
    Frame read() throws IOException {
        return readFrame(in);
    }

    /** One unmasked frame as a server sends it; {@link java.io.EOFException} when the stream ends first. */
    static Frame readFrame(DataInputStream in) throws IOException {
        int first = in.readUnsignedByte();
        int second = in.readUnsignedByte();
        long length = second & 0x7F;
        if (length == 126) {
            length = in.readUnsignedShort();
        } else if (length == 127) {
            length = in.readLong();
        }
        byte[] payload = new byte[Math.toIntExact(length)];
        in.readFully(payload);
        return new Frame(first & 0x0F, payload);
    }

    /** Reads (and drops) frames until the server's close frame and returns it, or null when the connection ends without one. */
    Frame awaitClose() throws IOException {
        try {
            while (true) {
                Frame frame = read();
                if (frame.opcode() == CLOSE) {
                    return frame;
                }
            }
        } catch (EOFException | SocketException e) {
            return null;
        }
    }

    /** The status code of the server's close frame, or -1 when the connection ended without one. */
    int closeCode() throws IOException {
        Frame close = awaitClose();
        return close == null ? -1 : close.closeCode();
    }

    /** Whether the server ends the connection within the read timeout; what it sends first is dropped. */
    boolean endedByServer() throws IOException {
        try {
            while (in.read() >= 0) {
                // drop
            }
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (SocketException e) {
            return true; // reset
        }
    }

    static JsonObject json(Frame frame) {
        return Json.createReader(new StringReader(frame.text())).readObject();
    }

    private void write(int first, long length, byte[] payload, boolean masked) throws IOException {
        ByteBuffer frame = ByteBuffer.allocate(14 + payload.length);
        frame.put((byte) first);
        int maskBit = masked ? 0x80 : 0;
        if (length <= 125) {
            frame.put((byte) (maskBit | length));
        } else if (length <= 0xFFFF) {
            frame.put((byte) (maskBit | 126)).putShort((short) length);
        } else {
            frame.put((byte) (maskBit | 127)).putLong(length);
        }
        byte[] mask = new byte[4];
        if (masked) {
            ThreadLocalRandom.current().nextBytes(mask);
            frame.put(mask);
        }
        for (int i = 0; i < payload.length; i++) {
            frame.put((byte) (payload[i] ^ mask[i % 4]));
        }
        out.write(frame.array(), 0, frame.position());
        out.flush();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
