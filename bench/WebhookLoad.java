import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Load generator for bench/webhook-load.sh: signed Facebook Messenger deliveries with unique mids,
 * CONNECTIONS requests in flight at all times (closed loop) for SECONDS. Each delivery carries
 * MESSAGES text messages in one entry. Prints "RESULT key value" lines: acked messages (2xx x
 * MESSAGES), messages/s, p50/p99 of the ack latency of 2xx answers, counts by status.
 *
 * Run: java -cp target/hotline-gateway.jar bench/WebhookLoad.java URL SECRET SECONDS CONNECTIONS MESSAGES PREFIX
 */
public class WebhookLoad {
  static final String[] TEXTS = {
      "Đường ngập nước ở phường 5, xe máy không đi được", "Cho em hỏi lịch tiêm vắc xin cho trẻ ở xã", "Khu phố em có người sốt cao, khó thở",
      "Đèn đường ở tổ 3 bị hỏng một tuần rồi", "Xin hỏi thủ tục đăng ký tạm trú", "Cây đổ chắn ngang đường liên xã"};

  public static void main(String[] args) throws Exception {
    String url = args[0];
    byte[] secret = args[1].getBytes(StandardCharsets.UTF_8);
    long seconds = Long.parseLong(args[2]);
    int connections = Integer.parseInt(args[3]);
    int messages = Integer.parseInt(args[4]);
    String prefix = args[5];
    java.net.URI uri = java.net.URI.create(url);

    Vertx vertx = Vertx.vertx();
    HttpClient client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true),
        new PoolOptions().setHttp1MaxSize(connections));
    RequestOptions target = new RequestOptions().setMethod(HttpMethod.POST).setHost(uri.getHost()).setPort(uri.getPort())
        .setURI(uri.getPath());
    long end = System.nanoTime() + seconds * 1_000_000_000L;
    AtomicLong seq = new AtomicLong();
    long[][] latencies = new long[connections][];
    int[] counts = new int[connections];
    Map<Integer, AtomicLong> statuses = new java.util.concurrent.ConcurrentHashMap<>();
    CountDownLatch done = new CountDownLatch(connections);
    for (int c = 0; c < connections; c++) {
      latencies[c] = new long[1 << 16];
      int slot = c;
      vertx.runOnContext(v -> next(client, target, secret, messages, prefix, seq, end, latencies, counts, slot, statuses, done));
    }
    done.await();
    long total = 0;
    long[] all = new long[Arrays.stream(counts).sum()];
    for (int c = 0; c < connections; c++) {
      System.arraycopy(latencies[c], 0, all, (int) total, counts[c]);
      total += counts[c];
    }
    Arrays.sort(all);
    long ok = statuses.entrySet().stream().filter(e -> e.getKey() / 100 == 2).mapToLong(e -> e.getValue().get()).sum();
    System.out.printf("RESULT acked_messages %d%n", ok * messages);
    System.out.printf("RESULT messages_per_s %.0f%n", ok * messages / (double) seconds);
    System.out.printf("RESULT p50_ms %.2f%n", all.length == 0 ? 0 : all[all.length / 2] / 1e6);
    System.out.printf("RESULT p99_ms %.2f%n", all.length == 0 ? 0 : all[(int) Math.min(all.length - 1, Math.ceil(all.length * 0.99) - 1)] / 1e6);
    new TreeMap<>(statuses).forEach((s, n) -> System.out.printf("RESULT status_%d %d%n", s, n.get()));
    vertx.close().await();
  }

  static void next(HttpClient client, RequestOptions target, byte[] secret, int messages, String prefix, AtomicLong seq, long end,
      long[][] latencies, int[] counts, int slot, Map<Integer, AtomicLong> statuses, CountDownLatch done) {
    if (System.nanoTime() >= end) {
      done.countDown();
      return;
    }
    long n = seq.getAndIncrement();
    byte[] body = delivery(prefix, n, messages).getBytes(StandardCharsets.UTF_8);
    String sig = "sha256=" + hex(hmac(secret, body));
    long start = System.nanoTime();
    client.request(target)
        .compose(req -> req.putHeader("Content-Type", "application/json").putHeader("X-Hub-Signature-256", sig).send(Buffer.buffer(body)))
        .compose(resp -> resp.body().map(b -> resp.statusCode()))
        .onComplete(ar -> {
          int status = ar.succeeded() ? ar.result() : -1;
          statuses.computeIfAbsent(status, k -> new AtomicLong()).incrementAndGet();
          if (status / 100 == 2) {
            if (counts[slot] == latencies[slot].length) {
              latencies[slot] = Arrays.copyOf(latencies[slot], latencies[slot].length * 2);
            }
            latencies[slot][counts[slot]++] = System.nanoTime() - start;
          }
          next(client, target, secret, messages, prefix, seq, end, latencies, counts, slot, statuses, done);
        });
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
      sb.append("{\"sender\":{\"id\":\"9").append(String.format("%015d", Math.floorMod(prefix.hashCode(), 9000) * 100_000_000_000L + n)).append("\"},\"recipient\":{\"id\":\"111111111111111\"},")
          .append("\"timestamp\":").append(System.currentTimeMillis()).append(",\"message\":{\"mid\":\"").append(prefix).append('-')
          .append(n).append('-').append(k).append("\",\"text\":\"").append(TEXTS[(int) ((n + k) % TEXTS.length)]).append("\"}}");
    }
    return sb.append("]}]}").toString();
  }

  static byte[] hmac(byte[] secret, byte[] body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret, "HmacSHA256"));
      return mac.doFinal(body);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static String hex(byte[] b) {
    StringBuilder sb = new StringBuilder(b.length * 2);
    for (byte x : b) {
      sb.append(Character.forDigit((x >> 4) & 0xf, 16)).append(Character.forDigit(x & 0xf, 16));
    }
    return sb.toString();
  }
}
