package io.switchboard.it;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A client that opens a WebSocket, sends a few frames and then falls silent: it never answers a ping and never
 * closes, like a laptop whose lid was shut. Only the server's heartbeat can notice it is gone. It reads nothing
 * unless asked to ({@link #readUntilClose}), so it is also a client that cannot keep up.
 */
final class SilentClient implements AutoCloseable {

    private final Socket socket;
    private final OutputStream out;

    SilentClient(URI ws, String pathAndQuery) throws IOException {
        this(ws, pathAndQuery, 0);
    }

    /** @param receiveBuffer the socket's receive buffer in bytes, small for a client that reads slowly (0: default) */
    SilentClient(URI ws, String pathAndQuery, int receiveBuffer) throws IOException {
        socket = new Socket();
        if (receiveBuffer > 0) {
            socket.setReceiveBufferSize(receiveBuffer);
        }
        socket.connect(new InetSocketAddress("127.0.0.1", ws.getPort()), (int) WsClient.TIMEOUT.toMillis());
        socket.setSoTimeout((int) WsClient.TIMEOUT.toMillis());
        out = socket.getOutputStream();
        String key = Base64.getEncoder().encodeToString(new byte[16]);
        String request = "GET " + ws.getPath() + pathAndQuery + " HTTP/1.1\r\n"
                + "Host: 127.0.0.1:" + ws.getPort() + "\r\n"
                + "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: " + key + "\r\nSec-WebSocket-Version: 13\r\n\r\n";
        out.write(request.getBytes(StandardCharsets.US_ASCII));
        out.flush();
        String status = readHeaders(socket.getInputStream());
        if (!status.startsWith("HTTP/1.1 101")) {
            throw new IOException("handshake refused: " + status);
        }
    }

    /** Sends one masked text frame, as a browser would. */
    void sendText(String text) throws IOException {
        send(0x81, text.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Reads (and drops) frames until the server's close frame and returns its close code, or -1 if the connection
     * ended without one.
     */
    int readUntilClose() throws IOException {
        DataInputStream in = new DataInputStream(socket.getInputStream());
        while (true) {
            RawWebSocket.Frame frame;
            try {
                frame = RawWebSocket.readFrame(in);
            } catch (EOFException e) {
                return -1;
            }
            if (frame.opcode() == 0x8) {
                return frame.closeCode();
            }
        }
    }

    private synchronized void send(int opcode, byte[] payload) throws IOException {
        if (payload.length > 125) {
            throw new IllegalArgumentException("keep test frames short");
        }
        byte[] mask = new byte[4];
        ThreadLocalRandom.current().nextBytes(mask);
        byte[] frame = new byte[2 + 4 + payload.length];
        frame[0] = (byte) opcode;
        frame[1] = (byte) (0x80 | payload.length);
        System.arraycopy(mask, 0, frame, 2, 4);
        for (int i = 0; i < payload.length; i++) {
            frame[6 + i] = (byte) (payload[i] ^ mask[i % 4]);
        }
        out.write(frame);
        out.flush();
    }

    private static String readHeaders(InputStream in) throws IOException {
        StringBuilder headers = new StringBuilder();
        while (!headers.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("connection closed during handshake: " + headers);
            }
            headers.append((char) b);
        }
        return headers.toString();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
