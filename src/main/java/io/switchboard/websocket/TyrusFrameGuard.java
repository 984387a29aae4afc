package io.switchboard.websocket;

import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import jakarta.websocket.CloseReason;
import jakarta.websocket.Session;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.function.Consumer;

/**
 * The {@link FrameScanner} on Tyrus' servlet upgrade (Payara): Tyrus' {@code TyrusHttpUpgradeHandler} reads the
 * upgraded connection through a servlet input stream into a buffer that grows until a whole frame is there, up to
 * {@code incoming-buffer-size} (about 4 MB, then it closes 1011 "Buffer overflow."), and never checks the mask bit
 * ({@code ProtocolHandler.unframe}). The handler's stream is swapped for this one, which shows Tyrus only the
 * bytes of a client that keeps to the rules; a refused client's bytes are read and dropped until the close.
 */
final class TyrusFrameGuard extends ServletInputStream {

    private final ServletInputStream in;
    private final FrameScanner scanner;
    private final Consumer<CloseReason> refuse;

    private TyrusFrameGuard(ServletInputStream in, FrameScanner scanner, Consumer<CloseReason> refuse) {
        this.in = in;
        this.scanner = scanner;
        this.refuse = refuse;
    }

    /**
     * Puts a guard before the Tyrus upgrade handler of {@code session}. Called from {@code @OnOpen}, which Tyrus runs
     * inside the handler's {@code init}, before its first read ({@code onDataAvailable} waits for {@code init}).
     *
     * @return false when the session is not on Tyrus' servlet upgrade or the handler has already started reading
     */
    static boolean install(Session session, FrameScanner scanner, Consumer<CloseReason> refuse)
            throws ReflectiveOperationException {
        Object webSocket = Reflection.field(session.getAsyncRemote(), "webSocket");
        Object writer = Reflection.field(Reflection.field(webSocket, "protocolHandler"), "writer");
        Object handler = Reflection.field(writer, "tyrusHttpUpgradeHandler");
        Object real =
                Reflection.has(handler, "handler") ? Reflection.field(handler, "handler") : handler; // Payara's proxy
        if (Reflection.field(real, "connection") != null) {
            return false; // init is over: bytes may have been read already, the scanner would not know where a frame
            // starts
        }
        ServletInputStream in = (ServletInputStream) Reflection.field(real, "is");
        Reflection.set(real, "is", new TyrusFrameGuard(in, scanner, refuse));
        return true;
    }

    @Override
    public int read(byte[] bytes, int offset, int length) throws IOException {
        boolean refusedBefore = scanner.refusal() != null;
        int read = in.read(bytes, offset, length);
        if (read <= 0 || refusedBefore) {
            return read <= 0 ? read : 0;
        }
        CloseReason refusal = scanner.scan(ByteBuffer.wrap(bytes, offset, read));
        if (refusal == null) {
            return read;
        }
        refuse.accept(refusal);
        return 0;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int read = read(one, 0, 1);
        if (read == 0) {
            throw new IOException("frames refused: " + scanner.refusal().getReasonPhrase());
        }
        return read < 0 ? read : one[0] & 0xFF;
    }

    @Override
    public int available() throws IOException {
        return in.available();
    }

    @Override
    public boolean isFinished() {
        return in.isFinished();
    }

    @Override
    public boolean isReady() {
        return in.isReady();
    }

    @Override
    public void setReadListener(ReadListener listener) {
        in.setReadListener(listener);
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
