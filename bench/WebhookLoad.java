import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Load generator for bench/webhook-load.sh: signed Facebook Messenger deliveries with unique mids,
 * CONNECTIONS requests in flight at all times (closed loop: one request per keep-alive connection)
 * for SECONDS. Each delivery carries MESSAGES text messages in one entry. Prints "RESULT key value"
 * lines: acked messages (2xx x MESSAGES), messages/s, p50/p99 of the ack latency of 2xx answers,
 * counts by status (-1: the connection failed; it is reopened). With a TIMELINE file it also writes one
 * line per 100 ms of the run (wall-clock epoch ms, answers completed, slowest answer in ms), so a tail
 * can be matched with GC logs or vmstat, and prints how many of those windows held an answer over 50 ms.
 *
 * It speaks HTTP/1.1 over plain NIO sockets on one thread, with one Mac reused: it shares the two
 * cores with the gateway and Postgres, and a general HTTP client cost it ~100 us of CPU per request
 * (as much as the gateway's own work per message), which the gateway's figure then paid for.
 *
 * Run: java -cp target/hotline-gateway.jar bench/WebhookLoad.java URL SECRET SECONDS CONNECTIONS MESSAGES PREFIX [TIMELINE]
 */
public class WebhookLoad {
  static final String[] TEXTS = {
      "Đường ngập nước ở phường 5, xe máy không đi được", "Cho em hỏi lịch tiêm vắc xin cho trẻ ở xã", "Khu phố em có người sốt cao, khó thở",
      "Đèn đường ở tổ 3 bị hỏng một tuần rồi", "Xin hỏi thủ tục đăng ký tạm trú", "Cây đổ chắn ngang đường liên xã"};
  static final int MAX_RESPONSE = 1 << 16;

  /** One keep-alive connection and the request it has in flight. */
  static final class Conn {
    SocketChannel channel;
    ByteBuffer out;
    final ByteBuffer in = ByteBuffer.allocate(MAX_RESPONSE);
    long start;
  }

  public static void main(String[] args) throws Exception {
    java.net.URI uri = java.net.URI.create(args[0]);
    byte[] secret = args[1].getBytes(StandardCharsets.UTF_8);
    long seconds = Long.parseLong(args[2]);
    int connections = Integer.parseInt(args[3]);
    int messages = Integer.parseInt(args[4]);
    String prefix = args[5];
    String timeline = args.length > 6 ? args[6] : null;
    InetSocketAddress address = new InetSocketAddress(uri.getHost(), uri.getPort());
    byte[] head = ("POST " + (uri.getPath().isEmpty() ? "/" : uri.getPath()) + " HTTP/1.1\r\nHost: " + uri.getHost() + ":" + uri.getPort()
        + "\r\nContent-Type: application/json\r\nX-Hub-Signature-256: sha256=").getBytes(StandardCharsets.US_ASCII);
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(secret, "HmacSHA256"));

    Selector selector = Selector.open();
    long end = System.nanoTime() + seconds * 1_000_000_000L;
    long seq = 0;
    long[] latencies = new long[1 << 20];
    long[] doneAt = new long[1 << 20];   // when each answer completed, ns since the run started
    long startNanos = System.nanoTime();
    long startEpochMs = System.currentTimeMillis();
    int count = 0;
    Map<Integer, long[]> statuses = new TreeMap<>();
    int open = 0;
    for (int c = 0; c < connections; c++) {
      Conn conn = new Conn();
      connect(conn, address, selector);
      conn.out = request(head, mac, prefix, seq++, messages);
      conn.start = System.nanoTime();
      conn.channel.keyFor(selector).interestOps(SelectionKey.OP_CONNECT);
      open++;
    }
    while (open > 0) {
      selector.select(100);
      var keys = selector.selectedKeys().iterator();
      while (keys.hasNext()) {
        SelectionKey key = keys.next();
        keys.remove();
        Conn conn = (Conn) key.attachment();
        int status;
        try {
          if (key.isConnectable()) {
            conn.channel.finishConnect();
            key.interestOps(SelectionKey.OP_WRITE);
            continue;
          }
          if (key.isWritable()) {
            conn.channel.write(conn.out);
            if (!conn.out.hasRemaining()) {
              key.interestOps(SelectionKey.OP_READ);
            }
            continue;
          }
          if (conn.channel.read(conn.in) < 0) {
            throw new IOException("closed by the server");
          }
          status = complete(conn.in);
          if (status == 0) {
            continue;   // more of the response to come
          }
          conn.in.clear();
        } catch (IOException e) {
          status = -1;
          key.cancel();
          conn.channel.close();
          connect(conn, address, selector);
        }
        statuses.computeIfAbsent(status, k -> new long[1])[0]++;
        if (status / 100 == 2) {
          if (count == latencies.length) {
            latencies = Arrays.copyOf(latencies, count * 2);
            doneAt = Arrays.copyOf(doneAt, count * 2);
          }
          long now = System.nanoTime();
          doneAt[count] = now - startNanos;
          latencies[count++] = now - conn.start;
        }
        if (System.nanoTime() >= end) {
          conn.channel.keyFor(selector).cancel();
          conn.channel.close();
          open--;
          continue;
        }
        conn.out = request(head, mac, prefix, seq++, messages);
        conn.start = System.nanoTime();
        SelectionKey k = conn.channel.keyFor(selector);
        if (conn.channel.isConnected()) {
          conn.channel.write(conn.out);
          k.interestOps(conn.out.hasRemaining() ? SelectionKey.OP_WRITE : SelectionKey.OP_READ);
        } else {
          k.interestOps(SelectionKey.OP_CONNECT);
        }
      }
    }
    if (timeline != null) {
      writeTimeline(timeline, startEpochMs, doneAt, latencies, count);
    }
    long[] all = Arrays.copyOf(latencies, count);
    Arrays.sort(all);
    long ok = statuses.entrySet().stream().filter(e -> e.getKey() / 100 == 2).mapToLong(e -> e.getValue()[0]).sum();
    System.out.printf("RESULT acked_messages %d%n", ok * messages);
    System.out.printf("RESULT messages_per_s %.0f%n", ok * messages / (double) seconds);
    System.out.printf("RESULT p50_ms %.2f%n", all.length == 0 ? 0 : all[all.length / 2] / 1e6);
    System.out.printf("RESULT p99_ms %.2f%n", all.length == 0 ? 0 : all[(int) Math.min(all.length - 1, Math.ceil(all.length * 0.99) - 1)] / 1e6);
    statuses.forEach((s, n) -> System.out.printf("RESULT status_%d %d%n", s, n[0]));
  }

  /** Per 100 ms window: epoch ms, answers completed in it, the slowest of them (ms). */
  static void writeTimeline(String file, long startEpochMs, long[] doneAt, long[] latencies, int count) throws IOException {
    int windows = count == 0 ? 0 : (int) (doneAt[count - 1] / 100_000_000L) + 1;
    long[] done = new long[windows];
    long[] slowest = new long[windows];
    for (int i = 0; i < count; i++) {
      int w = (int) (doneAt[i] / 100_000_000L);
      done[w]++;
      slowest[w] = Math.max(slowest[w], latencies[i]);
    }
    int stalls = 0;
    try (var out = new java.io.PrintWriter(file, StandardCharsets.US_ASCII)) {
      for (int w = 0; w < windows; w++) {
        out.printf("%d %d %.1f%n", startEpochMs + w * 100L, done[w], slowest[w] / 1e6);
        stalls += slowest[w] > 50_000_000L ? 1 : 0;
      }
    }
    System.out.printf("RESULT windows_100ms %d%n", windows);
    System.out.printf("RESULT windows_over_50ms %d%n", stalls);
  }

  static void connect(Conn conn, InetSocketAddress address, Selector selector) throws IOException {
    conn.channel = SocketChannel.open();
    conn.channel.configureBlocking(false);
    conn.channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
    conn.channel.connect(address);
    conn.channel.register(selector, SelectionKey.OP_CONNECT, conn);
    conn.in.clear();
    if (conn.out != null) {
      conn.out.rewind();   // a request lost with its connection is sent again on the new one
    }
  }

  /** The status of a whole response in {@code in}, or 0 while it is incomplete (Content-Length or chunked bodies). */
  static int complete(ByteBuffer in) throws IOException {
    byte[] b = in.array();
    int n = in.position();
    int headEnd = indexOf(b, n, "\r\n\r\n".getBytes(StandardCharsets.US_ASCII), 0);
    if (headEnd < 0) {
      if (n == b.length) {
        throw new IOException("response head too large");
      }
      return 0;
    }
    String head = new String(b, 0, headEnd, StandardCharsets.ISO_8859_1).toLowerCase();
    int status = Integer.parseInt(head.substring(9, 12));
    int bodyStart = headEnd + 4;
    int cl = head.indexOf("\r\ncontent-length:");
    if (cl >= 0) {
      int eol = head.indexOf("\r\n", cl + 2);
      int length = Integer.parseInt(head.substring(cl + 17, eol < 0 ? head.length() : eol).trim());
      if (bodyStart + length > b.length) {
        throw new IOException("response body too large");
      }
      return n >= bodyStart + length ? status : 0;
    }
    if (head.contains("\r\ntransfer-encoding: chunked")) {
      return indexOf(b, n, "0\r\n\r\n".getBytes(StandardCharsets.US_ASCII), bodyStart) >= 0 ? status : 0;
    }
    return status;   // no body
  }

  static int indexOf(byte[] b, int n, byte[] needle, int from) {
    outer:
    for (int i = from; i <= n - needle.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (b[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  static ByteBuffer request(byte[] head, Mac mac, String prefix, long n, int messages) {
    byte[] body = delivery(prefix, n, messages).getBytes(StandardCharsets.UTF_8);
    byte[] tail = (hex(mac.doFinal(body)) + "\r\nContent-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
    return ByteBuffer.allocate(head.length + tail.length + body.length).put(head).put(tail).put(body).flip();
  }

  static String delivery(String prefix, long n, int messages) {
    StringBuilder sb = new StringBuilder(256 * messages).append("{\"object\":\"page\",\"entry\":[{\"id\":\"111111111111111\",\"time\":")
        .append(System.currentTimeMillis()).append(",\"messaging\":[");
    for (int k = 0; k < messages; k++) {
      if (k > 0) {
        sb.append(',');
      }
      // one PSID per delivery: the messages of a delivery thread into one inquiry, as a chat does; the
      // run's prefix picks the PSID range, so a measured run never continues a warm-up's conversations
      sb.append("{\"sender\":{\"id\":\"9").append(pad15(Math.floorMod(prefix.hashCode(), 9000) * 100_000_000_000L + n)).append("\"},\"recipient\":{\"id\":\"111111111111111\"},")
          .append("\"timestamp\":").append(System.currentTimeMillis()).append(",\"message\":{\"mid\":\"").append(prefix).append('-')
          .append(n).append('-').append(k).append("\",\"text\":\"").append(TEXTS[(int) ((n + k) % TEXTS.length)]).append("\"}}");
    }
    return sb.append("]}]}").toString();
  }

  static String pad15(long v) {
    String d = Long.toString(v);
    return "000000000000000".substring(Math.min(15, d.length())) + d;
  }

  static String hex(byte[] b) {
    StringBuilder sb = new StringBuilder(b.length * 2);
    for (byte x : b) {
      sb.append(Character.forDigit((x >> 4) & 0xf, 16)).append(Character.forDigit(x & 0xf, 16));
    }
    return sb.toString();
  }
}
