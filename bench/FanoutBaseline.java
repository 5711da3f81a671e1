import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.internal.http.WebSocketInternal;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The floor under the agents bench: the cheapest fan-out this machine can do, measured the way
 * bench/AgentsLoad.java measures the gateway. A server (no database, no JSON, no auth) sends frames
 * shaped and sized like inquiry.created (its "at" in epoch ms) to every connected socket at a fixed rate: each 1 ms tick's
 * frames encoded once and written to each socket as one shared direct buffer, the gateway's best
 * case. A client process holds the sockets (raw WebSocket bytes, as AgentsLoad) and records
 * send-to-receive latency from the time written in each frame. Run by bench/fanout-baseline.sh.
 *
 *   server PORT RATE SECONDS FRAME_BYTES SOCKETS      (waits for SOCKETS connections, then sends)
 *   client PORT SOCKETS SECONDS
 */
public class FanoutBaseline {
  public static void main(String[] args) throws Exception {
    if (args[0].equals("server")) {
      server(Integer.parseInt(args[1]), Integer.parseInt(args[2]), Integer.parseInt(args[3]), Integer.parseInt(args[4]),
          Integer.parseInt(args[5]));
    } else {
      client(Integer.parseInt(args[1]), Integer.parseInt(args[2]), Integer.parseInt(args[3]));
    }
  }

  // ---------------------------------------------------------------- server
  static void server(int port, int rate, int seconds, int frameBytes, int sockets) throws Exception {
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
    List<ChannelHandlerContext> channels = new ArrayList<>();
    CountDownLatch connected = new CountDownLatch(sockets);
    vertx.createHttpServer(new HttpServerOptions().setIdleTimeout(0))
        .webSocketHandler(ws -> {
          channels.add(((WebSocketInternal) ws).channelHandlerContext());
          ws.handler(b -> { });
          connected.countDown();
        })
        .listen(port, "127.0.0.1").await();
    System.out.println("READY");
    if (!connected.await(120, TimeUnit.SECONDS)) {
      throw new IllegalStateException("clients did not connect");
    }
    String pad = "x".repeat(Math.max(0, frameBytes - 80));
    long start = System.nanoTime();
    long[] sent = {0};
    long total = (long) rate * seconds;
    CountDownLatch done = new CountDownLatch(1);
    vertx.setPeriodic(1, id -> {
      long due = Math.min(total, (System.nanoTime() - start) * rate / 1_000_000_000L);
      if (due <= sent[0]) {
        return;
      }
      List<byte[]> frames = new ArrayList<>();
      int size = 0;
      long at = System.currentTimeMillis();
      for (; sent[0] < due; sent[0]++) {
        byte[] f = frame(("{\"type\":\"inquiry.created\",\"seq\":" + (sent[0] + 1) + ",\"at\":" + at + ",\"pad\":\"" + pad + "\"}")
            .getBytes(StandardCharsets.UTF_8));
        frames.add(f);
        size += f.length;
      }
      ByteBuf shared = Unpooled.wrappedBuffer(ByteBuffer.allocateDirect(size)).clear();
      frames.forEach(shared::writeBytes);
      ByteBuf once = Unpooled.unreleasableBuffer(shared);
      for (ChannelHandlerContext ctx : channels) {
        ctx.writeAndFlush(once.duplicate(), ctx.voidPromise());
      }
      if (sent[0] >= total) {
        vertx.cancelTimer(id);
        done.countDown();
      }
    });
    done.await();
    Thread.sleep(3000);
    System.out.println("SENT " + total);
    vertx.close().await();
  }

  static byte[] frame(byte[] payload) {
    int n = payload.length;
    byte[] f = new byte[n + (n < 126 ? 2 : 4)];
    f[0] = (byte) 0x81;
    int h;
    if (n < 126) {
      f[1] = (byte) n;
      h = 2;
    } else {
      f[1] = 126;
      f[2] = (byte) (n >> 8);
      f[3] = (byte) n;
      h = 4;
    }
    System.arraycopy(payload, 0, f, h, n);
    return f;
  }

  // ---------------------------------------------------------------- client
  static final byte[] AT = "\"at\":".getBytes(StandardCharsets.US_ASCII);
  static final AtomicLong received = new AtomicLong(), bytes = new AtomicLong();

  static void client(int port, int sockets, int seconds) throws Exception {
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2));
    NetClient net = vertx.createNetClient(new NetClientOptions().setTcpNoDelay(true));
    long[][] lat = new long[2][1_000_000]; // ms buckets per event loop thread, up to 1000 s
    for (int i = 0; i < sockets; i++) {
      NetSocket so = net.connect(port, "127.0.0.1").await();
      Reader r = new Reader(lat);
      so.handler(r::data);
      so.write("GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
          + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n");
    }
    System.out.println("CONNECTED " + sockets);
    Thread.sleep(seconds * 1000L + 8000);
    long[] all = new long[lat[0].length];
    long n = 0;
    for (long[] l : lat) {
      for (int i = 0; i < l.length; i++) {
        all[i] += l[i];
        n += l[i];
      }
    }
    System.out.printf("RESULT frames %d bytes %d p50_ms %d p99_ms %d%n", received.get(), bytes.get(), q(all, n, 0.5), q(all, n, 0.99));
    vertx.close().await();
  }

  static long q(long[] hist, long n, double q) {
    long rank = (long) Math.ceil(q * n), c = 0;
    for (int i = 0; i < hist.length; i++) {
      if ((c += hist[i]) >= rank) {
        return i + 1;
      }
    }
    return -1;
  }

  /** Server frames parsed where they arrive, as AgentsLoad's RawSocket does. */
  static final class Reader {
    final long[][] lat;
    boolean upgraded;
    Buffer rest;

    Reader(long[][] lat) {
      this.lat = lat;
    }

    void data(Buffer chunk) {
      Buffer b = rest == null ? chunk : rest.appendBuffer(chunk);
      rest = null;
      int p = 0;
      int n = b.length();
      if (!upgraded) {
        String s = b.toString(StandardCharsets.US_ASCII);
        int end = s.indexOf("\r\n\r\n");
        if (end < 0) {
          rest = b.copy();
          return;
        }
        upgraded = true;
        p = end + 4;
      }
      long now = System.currentTimeMillis();
      while (n - p >= 2) {
        int len = b.getByte(p + 1) & 0x7F; // server frames: unmasked, under 64 KiB here
        int h = 2;
        if (len == 126) {
          if (n - p < 4) {
            break;
          }
          len = b.getUnsignedShort(p + 2);
          h = 4;
        }
        if (n - p - h < len) {
          break;
        }
        int from = p + h;
        int at = indexOf(b, from, Math.min(from + 80, from + len));
        if (at > 0) {
          long sentAt = 0;
          for (int q = at + AT.length; q < from + len; q++) {
            byte c = b.getByte(q);
            if (c < '0' || c > '9') {
              break;
            }
            sentAt = sentAt * 10 + (c - '0');
          }
          int bucket = (int) Math.min(lat[0].length - 1, Math.max(0, now - sentAt));
          lat[Thread.currentThread().getName().endsWith("0") ? 0 : 1][bucket]++;
        }
        if ((b.getByte(p) & 0x0F) == 1) { // text frames: not the close frame at the end
          received.incrementAndGet();
          bytes.addAndGet(h + len);
        }
        p = from + len;
      }
      if (p < n) {
        rest = b.getBuffer(p, n);
      }
    }

    static int indexOf(Buffer b, int from, int to) {
      outer:
      for (int i = from; i + AT.length <= to; i++) {
        for (int j = 0; j < AT.length; j++) {
          if (b.getByte(i + j) != AT[j]) {
            continue outer;
          }
        }
        return i;
      }
      return -1;
    }
  }
}
