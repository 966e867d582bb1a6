package io.iocp4j.bench.echo;

import io.iocp4j.examples.echo.EchoServer;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringServerSocketChannel;

import java.net.InetSocketAddress;

/**
 * A Netty 4.2 echo server on one native transport: the textbook echo handler (write back what is read, flush when
 * the read burst ends) on a {@link MultiThreadIoEventLoopGroup} whose loops accept and serve alike.
 */
final class NettyEchoServer implements EchoServer {
    /** Writes each inbound buffer back unchanged; flushing once per read burst, as Netty's own example does. */
    @ChannelHandler.Sharable
    static final class EchoHandler extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ctx.write(msg);
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.flush();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();  // a reset by the client ends its connection, nothing else
        }
    }

    private final EventLoopGroup group;
    private final Channel server;

    private NettyEchoServer(IoHandlerFactory factory, Class<? extends ServerChannel> channel, String bindAddress,
                            int port, int threads) throws InterruptedException {
        group = new MultiThreadIoEventLoopGroup(threads, factory);
        EchoHandler handler = new EchoHandler();
        server = new ServerBootstrap()
                .group(group)
                .channel(channel)
                .option(ChannelOption.SO_BACKLOG, 1024)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(handler)
                .bind(bindAddress, port).sync().channel();
    }

    static NettyEchoServer epoll(String bindAddress, int port, int threads) throws InterruptedException {
        Epoll.ensureAvailability();
        return new NettyEchoServer(EpollIoHandler.newFactory(), EpollServerSocketChannel.class, bindAddress, port,
                threads);
    }

    static NettyEchoServer ioUring(String bindAddress, int port, int threads) throws InterruptedException {
        IoUring.ensureAvailability();
        return new NettyEchoServer(IoUringIoHandler.newFactory(), IoUringServerSocketChannel.class, bindAddress,
                port, threads);
    }

    @Override
    public int port() {
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    @Override
    public void close() {
        server.close().syncUninterruptibly();
        group.shutdownGracefully(0, 2, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
    }
}
