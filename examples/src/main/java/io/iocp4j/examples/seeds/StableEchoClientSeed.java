package io.iocp4j.examples.seeds;

import io.iocp4j.win32.SOCKADDR_IN;
import io.iocp4j.win32.SOCKET;
import io.iocp4j.win32.WSADATA;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;

import static io.iocp4j.win32.Kernel32.*;
import static io.iocp4j.win32.WinSock2.*;

/**
 * The client that goes with seed 002's echo servers (StableEchoClient_win.c of the same book), ported statement
 * by statement: it sends each line typed, then calls recv until as many bytes have come back, since TCP may
 * return the echo in pieces. {@code fgets} reads a line including its newline, as in C.
 *
 * <p>One fix: the original asks recv for {@code BUF_SIZE-1} bytes at {@code &message[readLen]}, which can run
 * past the buffer; here the length is what is left of it (the bounds-checked facade would fail the call).
 */
public final class StableEchoClientSeed {
    static final int BUF_SIZE = 1024;

    private StableEchoClientSeed() {
    }

    public static void main(String[] args) {
        if (args.length != 2) {
            System.out.printf("Usage : %s <IP> <port>%n", "iocp-echo-client");
            System.exit(1);
        }
        run(args[0], Integer.parseInt(args[1]), new BufferedReader(new InputStreamReader(System.in,
                StandardCharsets.US_ASCII)), System.out);
    }

    /** The program's main with its stdin and stdout as parameters; returns the number of lines echoed. */
    public static int run(String ip, int port, BufferedReader stdin, PrintStream stdout) {
        WSADATA wsaData = new WSADATA();
        SOCKET hSocket;
        SOCKADDR_IN servAdr = new SOCKADDR_IN();
        MemorySegment message = Arena.ofAuto().allocate(BUF_SIZE);
        int strLen;
        int readLen;
        int echoed = 0;

        if (WSAStartup(MAKEWORD(2, 2), wsaData) != 0) {
            ErrorHandling("WSAStartup() error!");
        }

        hSocket = socket(PF_INET, SOCK_STREAM, 0);
        if (hSocket == INVALID_SOCKET) {
            ErrorHandling("socket() error");
        }

        servAdr.sin_family = AF_INET;
        servAdr.sin_addr.s_addr = inet_addr(ip);
        servAdr.sin_port = htons(port);

        if (connect(hSocket, servAdr, servAdr.size()) == SOCKET_ERROR) {
            ErrorHandling("connect() error!");
        } else {
            stdout.println("Connected...........");
        }

        while (true) {
            stdout.print("Input message(Q to quit): ");
            String line = fgets(stdin, BUF_SIZE);
            if (line == null || line.equals("q\n") || line.equals("Q\n")) {
                break;
            }
            strLen = strcpy(message, line);
            send(hSocket, message, strLen, 0);
            readLen = 0;
            while (true) {
                int n = recv(hSocket, message.asSlice(readLen), BUF_SIZE - 1 - readLen, 0);
                if (n <= 0) {
                    ErrorHandling("recv() error");
                }
                readLen += n;
                if (readLen >= strLen) {
                    break;
                }
            }
            message.set(ValueLayout.JAVA_BYTE, strLen, (byte) 0);
            stdout.print("Message from server: " + message.getString(0, StandardCharsets.US_ASCII));
            echoed++;
        }
        closesocket(hSocket);
        WSACleanup();
        return echoed;
    }

    /** {@code fgets(message, size, stdin)}: one line with its newline, at most size-1 characters; null at EOF. */
    private static String fgets(BufferedReader in, int size) {
        try {
            String line = in.readLine();
            if (line == null) {
                return null;
            }
            line += "\n";
            return line.length() > size - 1 ? line.substring(0, size - 1) : line;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** What fgets leaves in {@code message}: the line and a NUL; returns {@code strlen(message)}. */
    private static int strcpy(MemorySegment message, String line) {
        message.setString(0, line, StandardCharsets.US_ASCII);
        return line.length();
    }

    static void ErrorHandling(String message) {
        System.err.println(message + " (" + WSAGetLastError() + ")");
        System.exit(1);
    }
}
