package dev.oidcsso.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/**
 * Finds a free TCP port on the loopback interface, for the rare server that must know its port
 * before it starts (an application whose redirect URI is part of its configuration). Prefer binding
 * to port 0 wherever the server allows it: another process may take the port between this call and
 * the bind.
 */
public final class FreePort {

    private FreePort() {
    }

    /**
     * Returns a port that was free on 127.0.0.1 a moment ago.
     *
     * @return a port number
     */
    public static int find() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port on the loopback interface", e);
        }
    }
}
