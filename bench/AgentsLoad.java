import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Load program of bench/agents-load.sh (see bench/README.md): N agents on /agent/ws in this JVM,
 * a paced open-loop sender of web inquiries, commit-to-delivery latency (receive time - event "at"),
 * per-agent completeness against the event log, and the gateway's memory per idle connection.
 *
 * Run: java -cp target/hotline-gateway.jar bench/AgentsLoad.java key=value ... (see Cfg).
 */
public class AgentsLoad {

  // ------------------------------------------------------------------ configuration
  static final class Cfg {
    final Map<String, String> m = new HashMap<>();
    Cfg(String[] args) {
      for (String a : args) {
        int i = a.indexOf('=');
        if (i > 0) m.put(a.substring(0, i), a.substring(i + 1));
      }
    }
    String s(String k, String d) { return m.getOrDefault(k, d); }
    int i(String k, int d) { return Integer.parseInt(s(k, String.valueOf(d))); }
  }

  static int settleSecs;
  static long keepAliveMs;
  static volatile boolean stopping;
  static int port, pgPort, agentsN, secs, warmup, reps, conns, drainSecs;
  static long gwPid;
  static String pidFile, secret, outDir;
  static double officerShare;
  static Vertx wsVertx, httpVertx;
  static HttpClient http, metricsHttp;
  static Pool pg;

  static void log(String s) {
    System.err.printf("%s %s%n", java.time.LocalTime.now().withNano(0), s);
  }

  static void out(String s) {
    System.out.println(s);
    System.out.flush();
  }

  // ------------------------------------------------------------------ clock: wall time in µs, cheap
  static volatile long wallBaseUs, nanoBase;
  static void calibrate() {
    Instant a = Instant.now();
    nanoBase = System.nanoTime();
    wallBaseUs = a.getEpochSecond() * 1_000_000L + a.getNano() / 1000;
  }
  static long nowUs() { return wallBaseUs + (System.nanoTime() - nanoBase) / 1000; }

  // ------------------------------------------------------------------ latency histogram (µs)
  static final class Hist {
    final long[] fine = new long[10_000];    // 10 µs buckets up to 100 ms
    final long[] coarse = new long[600_000]; // 1 ms buckets up to 600 s
    long over, n, max, negative;
    synchronized void rec(long us) {
      if (us < 0) { negative++; us = 0; }
      n++;
      if (us > max) max = us;
      if (us < 100_000) fine[(int) (us / 10)]++;
      else if (us < 600_000_000L) coarse[(int) (us / 1000)]++;
      else over++;
    }
    synchronized void addTo(Hist h) {
      for (int i = 0; i < fine.length; i++) h.fine[i] += fine[i];
      for (int i = 0; i < coarse.length; i++) h.coarse[i] += coarse[i];
      h.over += over; h.n += n; h.negative += negative; h.max = Math.max(h.max, max);
    }
    /** Upper edge of the bucket holding quantile q, in ms. */
    double q(double q) {
      if (n == 0) return Double.NaN;
      long rank = (long) Math.ceil(q * n), c = 0;
      for (int i = 0; i < fine.length; i++) if ((c += fine[i]) >= rank) return (i + 1) * 10 / 1000.0;
      for (int i = 100; i < coarse.length; i++) if ((c += coarse[i]) >= rank) return (i + 1);
      return max / 1000.0;
    }
  }
  static volatile ConcurrentHashMap<Thread, Hist> runHists = new ConcurrentHashMap<>();
  static volatile long windowLo = Long.MAX_VALUE; // record latency of inquiry.created with seq > windowLo

  // ------------------------------------------------------------------ agents
  static final AtomicLong laggedFrames = new AtomicLong(), closes4008 = new AtomicLong(), otherCloses = new AtomicLong();
  static final AtomicLong otherEventTypes = new AtomicLong(), parseFallbacks = new AtomicLong();

  static final class Agent {
    final int idx; final String sub, dept, token;
    volatile RawSocket ws;
    volatile boolean open;
    final BitSet seen = new BitSet();
    long dups, outOfOrder, lastSeq, created;
    volatile long lastCreatedSeq;
    Agent(int idx, String sub, String dept, String token) { this.idx = idx; this.sub = sub; this.dept = dept; this.token = token; }
  }
  static Agent[] agents;
  static io.vertx.core.net.NetClient netClient;

  static LocalDate cachedDate; static String cachedDateStr = ""; static long cachedDayUs;

  /** Microseconds since the epoch of an ISO instant "2026-11-29T10:00:00.123456Z" at buf[from, to). */
  static long parseAtUs(Buffer b, int from, int to) {
    // date part, cached (every frame of a run carries the same day)
    String date = b.getString(from, from + 10, "US-ASCII");
    long dayUs;
    synchronized (AgentsLoad.class) {
      if (!date.equals(cachedDateStr)) {
        cachedDateStr = date;
        cachedDayUs = LocalDate.parse(date).toEpochDay() * 86_400_000_000L;
      }
      dayUs = cachedDayUs;
    }
    int p = from + 11;
    long h = (b.getByte(p) - '0') * 10 + (b.getByte(p + 1) - '0');
    long mi = (b.getByte(p + 3) - '0') * 10 + (b.getByte(p + 4) - '0');
    long s = (b.getByte(p + 6) - '0') * 10 + (b.getByte(p + 7) - '0');
    long us = 0;
    p += 8;
    if (p < to && b.getByte(p) == '.') {
      int digits = 0;
      p++;
      while (p < to && b.getByte(p) != 'Z') {
        if (digits < 6) { us = us * 10 + (b.getByte(p) - '0'); digits++; }
        p++;
      }
      while (digits++ < 6) us *= 10;
    }
    return dayUs + ((h * 60 + mi) * 60 + s) * 1_000_000L + us;
  }

  static int indexOf(Buffer b, byte[] pat, int from, int limit) {
    limit = Math.min(limit, b.length() - pat.length);
    outer:
    for (int i = from; i <= limit; i++) {
      for (int j = 0; j < pat.length; j++) if (b.getByte(i + j) != pat[j]) continue outer;
      return i;
    }
    return -1;
  }
  static final byte[] CREATED = "{\"type\":\"inquiry.created\",\"seq\":".getBytes(StandardCharsets.US_ASCII);
  static final byte[] TYPE = "{\"type\":\"".getBytes(StandardCharsets.US_ASCII);
  static final ConcurrentHashMap<String, java.util.concurrent.atomic.LongAdder> otherTypes = new ConcurrentHashMap<>();
  static final byte[] AT = "\"at\":\"".getBytes(StandardCharsets.US_ASCII);

  static void onData(Agent a, Buffer b, Promise<Void> subscribed) {
    long recv = nowUs();
    if (b.length() > CREATED.length && indexOf(b, CREATED, 0, 0) == 0) {
      int p = CREATED.length;
      long seq = 0;
      byte c;
      while ((c = b.getByte(p)) >= '0' && c <= '9') { seq = seq * 10 + (c - '0'); p++; }
      int at = indexOf(b, AT, p, p + 8);
      if (at > 0) {
        int from = at + AT.length, to = from;
        while (b.getByte(to) != '"') to++;
        long atUs = parseAtUs(b, from, to);
        created(a, seq, recv - atUs);
        return;
      }
      parseFallbacks.incrementAndGet();
    }
    // other events (deadline.warning, ...): count by type without parsing them (they can come in bursts)
    if (indexOf(b, TYPE, 0, 0) == 0) {
      int end = TYPE.length;
      while (end < b.length() && b.getByte(end) != '"') end++;
      String type = b.getString(TYPE.length, end, "US-ASCII");
      if (type.indexOf('.') > 0 && !type.equals("replay.done")) {
        otherTypes.computeIfAbsent(type, k -> new java.util.concurrent.atomic.LongAdder()).increment();
        return;
      }
    }
    JsonObject f = new JsonObject(b);
    String type = f.getString("type", "");
    switch (type) {
      case "inquiry.created" -> created(a, f.getLong("seq"), recv - Instant.parse(f.getString("at")).toEpochMilli() * 1000);
      case "subscribed" -> { if (subscribed != null) subscribed.tryComplete(); }
      case "lagged" -> laggedFrames.incrementAndGet();
      case "hello", "ack" -> { }
      case "error" -> log("agent " + a.sub + " error frame: " + f.encode());
      default -> otherEventTypes.incrementAndGet();
    }
  }

  static void created(Agent a, long seq, long latUs) {
    synchronized (a) {
      a.created++;
      if (seq <= Integer.MAX_VALUE) {
        if (a.seen.get((int) seq)) a.dups++;
        else a.seen.set((int) seq);
      }
      if (seq <= a.lastSeq) a.outOfOrder++;
      a.lastSeq = seq;
      a.lastCreatedSeq = seq;
    }
    if (seq > windowLo) runHists.computeIfAbsent(Thread.currentThread(), t -> new Hist()).rec(latUs);
  }

  /** One context per event loop of wsVertx (from a verticle per loop). */
  static final List<io.vertx.core.Context> loops = new java.util.concurrent.CopyOnWriteArrayList<>();

  /**
   * Connects on the agent's event loop, round-robin: calls from the main thread would all land on
   * one (sticky) context, i.e. one event loop for every agent.
   */
  static Future<Void> connect(Agent a) {
    Promise<Void> result = Promise.promise();
    loops.get(a.idx % loops.size()).runOnContext(v -> connectHere(a).onComplete(result));
    return result.future();
  }

  static Future<Void> connectHere(Agent a) {
    Promise<Void> subscribed = Promise.promise();
    return RawSocket.connect(a, subscribed)
        .compose(ws -> {
          a.ws = ws;
          a.open = true;
          ws.writeText(new JsonObject().put("op", "subscribe").put("id", "s").encode());
          // keep-alive: the gateway's HTTP server closes a socket idle for 120 s (http idleTimeout), which
          // hits officers of a department that gets no events; a console would ping too
          long keepAlive = wsVertx.setPeriodic(keepAliveMs, t -> {
            if (a.ws == ws && !ws.closed) ws.writeText("{\"op\":\"ping\",\"id\":\"k\"}");
          });
          ws.onClose = code -> {
            wsVertx.cancelTimer(keepAlive);
            a.open = false;
            if (code == 4008) closes4008.incrementAndGet();
            else if (otherCloses.incrementAndGet() <= 50 && !stopping)
              log("agent " + a.sub + (a.dept == null ? "" : " (" + a.dept + ")") + " socket closed: code " + code);
          };
          return subscribed.future();
        });
  }

  /**
   * A WebSocket client over a plain TCP socket: the handshake by hand, server frames parsed in the
   * bytes as they arrive (no frame objects, no per-frame dispatch), client frames masked. The
   * Vert.x WebSocket client cost the load JVM more per frame than the gateway spends sending it, so
   * at high rates the bench measured its own client.
   */
  static final class RawSocket {
    final Agent agent;
    final io.vertx.core.net.NetSocket socket;
    final Promise<Void> subscribed;
    java.util.function.IntConsumer onClose = code -> { };
    volatile boolean closed;
    boolean upgraded;
    Buffer rest;                                 // bytes of an incomplete frame (or of the handshake answer)
    Buffer message;                              // a text message split into continuation frames

    RawSocket(Agent agent, io.vertx.core.net.NetSocket socket, Promise<Void> subscribed) {
      this.agent = agent; this.socket = socket; this.subscribed = subscribed;
    }

    static Future<RawSocket> connect(Agent a, Promise<Void> subscribed) {
      Promise<RawSocket> open = Promise.promise();
      netClient.connect(port, "127.0.0.1").onFailure(open::tryFail).onSuccess(so -> {
        RawSocket ws = new RawSocket(a, so, subscribed);
        so.handler(b -> ws.data(b, open));
        so.exceptionHandler(e -> { });
        so.closeHandler(v -> ws.ended(1006, open));
        so.write("GET /agent/ws?access_token=" + a.token + " HTTP/1.1\r\nHost: 127.0.0.1:" + port
            + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
            + "Sec-WebSocket-Version: 13\r\n\r\n");
      });
      return open.future();
    }

    void data(Buffer chunk, Promise<RawSocket> open) {
      Buffer b = rest == null ? chunk : rest.appendBuffer(chunk);
      rest = null;
      int p = 0;
      if (!upgraded) {
        int end = indexOf(b, CRLF2, 0, b.length());
        if (end < 0) { rest = b.copy(); return; }
        String head = b.getString(0, end, "US-ASCII");
        if (!head.startsWith("HTTP/1.1 101")) {
          open.tryFail(head.substring(0, Math.min(head.length(), 40)));
          socket.close();
          return;
        }
        upgraded = true;
        open.tryComplete(this);
        p = end + 4;
      }
      int n = b.length();
      while (n - p >= 2) {
        int b0 = b.getByte(p) & 0xFF, b1 = b.getByte(p + 1) & 0x7F;
        int h = 2;
        long len = b1;
        if (b1 == 126) { if (n - p < 4) break; len = b.getUnsignedShort(p + 2); h = 4; }
        else if (b1 == 127) { if (n - p < 10) break; len = b.getLong(p + 2); h = 10; }
        if (n - p - h < len) break;
        int from = p + h, to = (int) (from + len);
        frame(b0 & 0x80, b0 & 0x0F, b, from, to);
        p = to;
      }
      if (p < n) rest = b.getBuffer(p, n); // a copy: the chunk's bytes are not ours to keep
    }

    void frame(int fin, int opcode, Buffer b, int from, int to) {
      switch (opcode) {
        case 1 -> {
          if (fin != 0) onData(agent, b.slice(from, to), subscribed);
          else message = b.getBuffer(from, to);
        }
        case 0 -> {
          if (message == null) return;
          message.appendBuffer(b, from, to - from);
          if (fin != 0) { Buffer m = message; message = null; onData(agent, m, subscribed); }
        }
        case 8 -> {
          int code = to - from >= 2 ? b.getUnsignedShort(from) : 1005;
          ended(code, null);
          socket.close();
        }
        case 9 -> writeFrame(0xA, b.getBytes(from, to)); // pong
        default -> { }
      }
    }

    void ended(int code, Promise<RawSocket> open) {
      if (open != null) open.tryFail("closed before the upgrade");
      if (!closed) { closed = true; onClose.accept(code); }
    }

    void writeText(String text) { writeFrame(0x1, text.getBytes(StandardCharsets.UTF_8)); }

    /** A masked client frame; the mask is zero, so the payload goes as is (RFC 6455 only asks for a mask). */
    void writeFrame(int opcode, byte[] payload) {
      if (closed) return;
      Buffer f = Buffer.buffer(payload.length + 14).appendByte((byte) (0x80 | opcode));
      if (payload.length < 126) f.appendByte((byte) (0x80 | payload.length));
      else if (payload.length <= 0xFFFF) f.appendByte((byte) (0x80 | 126)).appendUnsignedShort(payload.length);
      else f.appendByte((byte) (0x80 | 127)).appendLong(payload.length);
      f.appendInt(0).appendBytes(payload);
      socket.write(f);
    }

    void close() {
      if (!closed) { writeFrame(0x8, new byte[] {0x03, (byte) 0xE8}); }
      socket.close();
    }
  }
  static final byte[] CRLF2 = "\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

  /** Connects every agent that is not open, at most 50 handshakes at once, up to 3 tries each. */
  static int connectAll() throws Exception {
    Semaphore sem = new Semaphore(50);
    List<Future<Void>> all = new ArrayList<>();
    for (Agent a : agents) {
      if (a.open) continue;
      sem.acquire();
      Promise<Void> done = Promise.promise();
      tryConnect(a, 3, done);
      done.future().onComplete(ar -> sem.release());
      all.add(done.future());
    }
    Future.join(new ArrayList<>(all)).otherwiseEmpty().await(120, TimeUnit.SECONDS);
    int failed = 0;
    for (Future<Void> f : all) if (f.failed() || !f.isComplete()) failed++;
    return failed;
  }
  static void tryConnect(Agent a, int left, Promise<Void> done) {
    connect(a).timeout(20, TimeUnit.SECONDS).onComplete(ar -> {
      if (ar.succeeded()) done.complete();
      else if (left > 1) { if (a.ws != null) a.ws.close(); wsVertx.setTimer(200, t -> tryConnect(a, left - 1, done)); }
      else { log("agent " + a.sub + " could not connect: " + ar.cause()); done.fail(ar.cause()); }
    });
  }

  static int openCount() { int n = 0; for (Agent a : agents) if (a.open) n++; return n; }

  // ------------------------------------------------------------------ the sender (open loop, paced)
  static final String[] SENTENCES = {
    "Tôi muốn hỏi về thủ tục cấp lại giấy khai sinh cho con tôi bị thất lạc khi chuyển nhà.",
    "Đèn đường trên đoạn phố này đã hỏng hơn hai tuần, buổi tối rất tối và nguy hiểm cho người đi bộ.",
    "Khu vực chợ có nhiều rác thải tồn đọng, bốc mùi hôi thối, đề nghị phường cho xe thu gom sớm.",
    "Gia đình tôi nộp hồ sơ cấp giấy chứng nhận quyền sử dụng đất từ tháng trước nhưng chưa nhận được kết quả.",
    "Công trình xây dựng bên cạnh nhà tôi làm việc cả ban đêm, gây tiếng ồn lớn sau 22 giờ.",
    "Xin hỏi mức học phí năm học mới tại các trường mầm non công lập trên địa bàn quận là bao nhiêu?",
    "Đường ống nước bị vỡ, nước chảy tràn ra mặt đường từ sáng nay, mong đơn vị cấp nước kiểm tra.",
    "Tôi phản ánh tình trạng lấn chiếm vỉa hè để kinh doanh, người đi bộ phải đi xuống lòng đường.",
    "Cây xanh trước cổng trường có nhánh lớn bị gãy treo lơ lửng, rất nguy hiểm khi có mưa gió.",
    "Tôi cần hướng dẫn đăng ký thường trú cho người thân từ tỉnh khác chuyển đến sinh sống.",
    "Khu dân cư bị ngập sâu mỗi khi mưa lớn, nước tràn vào nhà, đề nghị nạo vét cống thoát nước.",
    "Xin cho biết thời gian làm việc của bộ phận một cửa ủy ban nhân dân phường vào thứ bảy.",
    "Có người đổ trộm phế thải xây dựng ở bãi đất trống cuối hẻm vào ban đêm.",
    "Tôi đã gọi tổng đài nhiều lần nhưng chưa được giải quyết việc cắt điện không báo trước.",
    "Đề nghị kiểm tra cơ sở kinh doanh thực phẩm không rõ nguồn gốc bán gần trường tiểu học.",
    "Bảo hiểm y tế của mẹ tôi hết hạn, xin hướng dẫn gia hạn trực tuyến qua cổng dịch vụ công.",
    "Xe tải chở vật liệu chạy quá tốc độ trong khu dân cư, làm rơi vãi đất cát ra đường.",
    "Con tôi chuẩn bị vào lớp một, xin hỏi hồ sơ tuyển sinh trực tuyến cần những giấy tờ gì.",
    "Quán karaoke hoạt động quá giờ quy định, mở nhạc to đến một giờ sáng làm mất trật tự.",
    "Trạm xe buýt bị xuống cấp, mái che bị thủng, người dân phải đứng chờ dưới mưa.",
    "Tôi muốn phản ánh thái độ phục vụ chưa đúng mực của cán bộ tiếp nhận hồ sơ.",
    "Xin cảm ơn quý cơ quan đã quan tâm, mong sớm nhận được phản hồi.",
    "Rất mong được hướng dẫn cụ thể để gia đình tôi chuẩn bị hồ sơ đầy đủ.",
  };
  static final String[] NAMES = { "Nguyễn Văn An", "Trần Thị Bình", "Lê Hoàng Cường", "Phạm Thu Dung", "Hoàng Minh Đức",
    "Vũ Thị Hạnh", "Đặng Quốc Huy", "Bùi Thanh Lan", "Đỗ Ngọc Mai", "Hồ Văn Nam", "Ngô Thị Oanh",
    "Dương Tuấn Phong", "Lý Thị Quỳnh", "Trương Văn Sơn", "Phan Thị Thảo" };
  static final String[] DISTRICTS = { "Quận Ba Đình", "Quận Hoàn Kiếm", "Quận Đống Đa", "Quận Cầu Giấy", "Quận Hai Bà Trưng",
    "Quận Hoàng Mai", "Quận Thanh Xuân", "Quận Long Biên", "Quận Tây Hồ", "Huyện Gia Lâm" };
  static final Random RND = new Random(1022);
  static final String[] TEXTS = new String[512];
  static {
    for (int i = 0; i < TEXTS.length; i++) {
      int target = 180 + RND.nextInt(441);
      StringBuilder sb = new StringBuilder();
      while (sb.length() < target) sb.append(sb.length() == 0 ? "" : " ").append(SENTENCES[RND.nextInt(SENTENCES.length)]);
      TEXTS[i] = sb.toString();
    }
  }

  static final class SendResult {
    long sent, notSent, ok, non2xx, errors, okMeasured, sentMeasured;
    final Map<Integer, Long> statuses = new java.util.TreeMap<>();
    final Hist ack = new Hist();
  }

  /** Sends at `rate`/s for warm-up + measured seconds; `onMeasure` runs when the measured part starts. */
  static SendResult send(String prefix, int rate, Runnable onMeasure) throws Exception {
    SendResult r = new SendResult();
    long start = System.nanoTime();
    long measureStart = start + warmup * 1_000_000_000L, end = measureStart + secs * 1_000_000_000L;
    long maxInflight = Math.max(1000, rate * 10L);
    AtomicLong inflight = new AtomicLong();
    Promise<Void> finished = Promise.promise();
    boolean[] measuring = { false };
    long[] scheduled = { 0 };
    httpVertx.runOnContext(v0 -> httpVertx.setPeriodic(1, id -> {
      long now = System.nanoTime();
      if (!measuring[0] && now >= measureStart) { measuring[0] = true; onMeasure.run(); }
      long due = Math.min(end, now) - start;
      long target = (long) (due / 1e9 * rate);
      while (scheduled[0] < target) {
        long intended = start + (long) (scheduled[0] * 1e9 / rate);
        scheduled[0]++;
        boolean inWindow = intended >= measureStart;
        if (inflight.get() >= maxInflight) { r.notSent++; continue; }
        r.sent++;
        if (inWindow) r.sentMeasured++;
        inflight.incrementAndGet();
        JsonObject body = new JsonObject().put("text", TEXTS[RND.nextInt(TEXTS.length)])
            .put("name", NAMES[RND.nextInt(NAMES.length)]).put("phone", String.format("09%08d", RND.nextInt(100_000_000)))
            .put("email", "dan" + RND.nextInt(1_000_000) + "@example.vn").put("district", DISTRICTS[RND.nextInt(DISTRICTS.length)])
            .put("submissionId", prefix + "-" + scheduled[0]);
        http.request(HttpMethod.POST, "/api/v1/web/inquiries")
            .compose(req -> req.putHeader("content-type", "application/json; charset=utf-8").idleTimeout(15_000).send(body.toBuffer()))
            .compose(resp -> resp.body().map(b -> resp.statusCode()))
            .onComplete(ar -> {
              inflight.decrementAndGet();
              if (ar.failed()) r.errors++;
              else if (ar.result() / 100 == 2) {
                r.ok++;
                if (inWindow) { r.okMeasured++; r.ack.rec((System.nanoTime() - intended) / 1000); }
              } else { r.non2xx++; r.statuses.merge(ar.result(), 1L, Long::sum); }
            });
      }
      if (now >= end) {
        httpVertx.cancelTimer(id);
        // wait for the answers (bounded)
        long waitStart = System.nanoTime();
        httpVertx.setPeriodic(50, id2 -> {
          if (inflight.get() == 0 || System.nanoTime() - waitStart > 30_000_000_000L) {
            httpVertx.cancelTimer(id2);
            finished.complete();
          }
        });
      }
    }));
    finished.future().await(warmup + secs + 60, TimeUnit.SECONDS);
    final SendResult[] copy = { null };
    // read the counters on the sender's event loop
    Promise<Void> p = Promise.promise();
    httpVertx.runOnContext(v -> { copy[0] = r; p.complete(); });
    p.future().await();
    return copy[0];
  }

  // ------------------------------------------------------------------ /metrics, /proc, jcmd
  /** /metrics on its own connection (not queued behind the sender's); empty if the gateway does not answer in 60 s. */
  static String scrape() {
    try {
      return metricsHttp.request(HttpMethod.GET, "/metrics").compose(req -> req.send()).compose(resp -> resp.body())
          .await(60, TimeUnit.SECONDS).toString();
    } catch (Exception e) {
      log("/metrics did not answer: " + e);
      return "";
    }
  }
  static Map<String, Double> metrics() throws Exception {
    String text = scrape();
    Map<String, Double> m = new HashMap<>();
    for (String line : text.split("\n")) {
      if (line.startsWith("#") || line.isBlank()) continue;
      int sp = line.lastIndexOf(' ');
      try { m.merge(line.substring(0, sp), Double.parseDouble(line.substring(sp + 1)), Double::sum); } catch (RuntimeException ignored) { }
    }
    return m;
  }
  static String metricLines(String... prefixes) throws Exception {
    String text = scrape();
    StringBuilder sb = new StringBuilder();
    for (String line : text.split("\n")) for (String p : prefixes) if (line.startsWith(p)) { sb.append(line).append('\n'); break; }
    return sb.toString();
  }
  static double sumMetric(Map<String, Double> m, String name) {
    double s = 0;
    for (var e : m.entrySet()) if (e.getKey().equals(name) || e.getKey().startsWith(name + "{")) s += e.getValue();
    return s;
  }

  static long cpuTicks(long pid) {
    try {
      String s = Files.readString(Path.of("/proc/" + pid + "/stat"));
      String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
      return Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime + stime
    } catch (IOException | RuntimeException e) { return 0; }
  }
  static long postmaster() {
    try { return Long.parseLong(Files.readAllLines(Path.of(pidFile)).get(0).trim()); } catch (IOException | RuntimeException e) { return -1; }
  }
  /** CPU ticks of the postmaster and its children. */
  static long pgTicks() {
    long pm = postmaster();
    if (pm < 0) return 0;
    long t = cpuTicks(pm);
    try (var dirs = Files.list(Path.of("/proc"))) {
      for (Path d : (Iterable<Path>) dirs::iterator) {
        String n = d.getFileName().toString();
        if (!n.chars().allMatch(Character::isDigit)) continue;
        try {
          String s = Files.readString(d.resolve("stat"));
          String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
          if (Long.parseLong(f[1]) == pm) t += Long.parseLong(f[11]) + Long.parseLong(f[12]);
        } catch (IOException | RuntimeException ignored) { }
      }
    } catch (IOException ignored) { }
    return t;
  }
  static long totalTicks() { // all CPUs, busy (user+nice+system+irq+softirq+steal)
    try {
      String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
      return Long.parseLong(f[1]) + Long.parseLong(f[2]) + Long.parseLong(f[3]) + Long.parseLong(f[6]) + Long.parseLong(f[7]) + Long.parseLong(f[8]);
    } catch (IOException | RuntimeException e) { return 0; }
  }

  static long rssKb(long pid) {
    try {
      for (String l : Files.readAllLines(Path.of("/proc/" + pid + "/status")))
        if (l.startsWith("VmRSS:")) return Long.parseLong(l.replaceAll("\\D", ""));
    } catch (IOException ignored) { }
    return -1;
  }
  static String jcmd(String... cmd) throws Exception {
    List<String> c = new ArrayList<>(List.of("jcmd", String.valueOf(gwPid)));
    c.addAll(List.of(cmd));
    Process p = new ProcessBuilder(c).redirectErrorStream(true).start();
    String o = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    p.waitFor(60, TimeUnit.SECONDS);
    return o;
  }
  /** Heap used (KB) from GC.heap_info: the "used NNNK" of the heap's first line. */
  static long heapUsedKb() throws Exception {
    String o = jcmd("GC.heap_info");
    var mt = java.util.regex.Pattern.compile("total (\\d+)K, used (\\d+)K").matcher(o);
    return mt.find() ? Long.parseLong(mt.group(2)) : -1;
  }
  record Mem(long rssKb, long heapKb, double metricsHeapBytes, double nonHeapBytes, double directBytes) {}
  static Mem memory() throws Exception {
    for (int i = 0; i < 2; i++) { jcmd("GC.run"); Thread.sleep(1500); }
    Map<String, Double> m = metrics();
    double heap = 0, nonHeap = 0;
    for (var e : m.entrySet()) {
      if (e.getKey().startsWith("jvm_memory_used_bytes{")) {
        if (e.getKey().contains("area=\"heap\"")) heap += e.getValue(); else nonHeap += e.getValue();
      }
    }
    double direct = 0;
    for (var e : m.entrySet()) if (e.getKey().startsWith("jvm_buffer_memory_used_bytes{") && e.getKey().contains("direct")) direct += e.getValue();
    return new Mem(rssKb(gwPid), heapUsedKb(), heap, nonHeap, direct);
  }

  // ------------------------------------------------------------------ one latency run
  record Run(int rate, int rep, double achieved, double offered, long okMeasured, long notSent, long non2xx, long errors,
      double p50, double p99, double p999, double max, long samples, long negative, long windowEvents, int agentsMeasured,
      long missing, long dups, long unexpected, long outOfOrder, int agentsIncomplete, long lagged, long closed4008,
      double ackP50, double ackP99, double pushMeanMs, double pushMaxMs, double feedLagMax, double gwCpu, double pgCpu,
      double loadCpu, double otherCpu, double drainS, double gwUsPerFrame, String notOk) {}

  /**
   * Waits until the gateway is quiet: the event log has not grown for 3 s and the feed has no lag
   * (an overloaded previous run leaves requests queued in the gateway). At most `settle` seconds.
   */
  static double settle() throws Exception {
    long t0 = System.nanoTime(), last = -1, stableSince = System.nanoTime();
    while (System.nanoTime() - t0 < settleSecs * 1_000_000_000L) {
      long seq = pg.query("select coalesce(max(seq), 0) from event").execute().await().iterator().next().getLong(0);
      if (seq != last) { last = seq; stableSince = System.nanoTime(); }
      else if (System.nanoTime() - stableSince >= 3_000_000_000L && sumMetric(metrics(), "hotline_stream_feed_lag_events") == 0) break;
      Thread.sleep(500);
    }
    double s = (System.nanoTime() - t0) / 1e9;
    if (s >= settleSecs) log("gateway still busy after " + settleSecs + " s; the run starts anyway (backlog from the previous run)");
    return s;
  }

  static Run latencyRun(int rate, int rep) throws Exception {
    double settled = settle();
    int reconnectFailed = connectAll();
    if (reconnectFailed > 0) log(reconnectFailed + " agents could not (re)connect");
    long lagged0 = laggedFrames.get(), c4008 = closes4008.get();
    calibrate();
    String prefix = "ag" + rate + "r" + rep + "t" + (System.currentTimeMillis() % 100000);
    long[] lo = { -1 };
    long[] cpu0 = new long[5];
    Map<String, Double>[] m0 = new Map[1];
    double[] feedLagMax = { 0 };
    long[] lagTimer = { -1 };
    Agent[] measuredAgents = agents.clone();
    log(String.format("rate %d/s rep %d: warm-up %d s, then %d s measured (%d agents open)", rate, rep, warmup, secs, openCount()));
    SendResult sr = send(prefix, rate, () -> {
      // on the sender's event loop: the measured window starts after the newest committed event
      m0[0] = null;
      pg.query("select coalesce(max(seq), 0) from event").execute().onSuccess(rows -> {
        lo[0] = rows.iterator().next().getLong(0);
        runHists = new ConcurrentHashMap<>();
        windowLo = lo[0];
      });
      cpu0[0] = cpuTicks(gwPid); cpu0[1] = pgTicks(); cpu0[2] = cpuTicks(ProcessHandle.current().pid()); cpu0[3] = totalTicks();
      cpu0[4] = System.nanoTime();
      boolean[] probing = { false };
      lagTimer[0] = httpVertx.setPeriodic(500, t -> {
        if (probing[0]) return; // one probe at a time: a busy gateway answers late
        probing[0] = true;
        metricsHttp.request(HttpMethod.GET, "/metrics").compose(req -> req.send())
          .compose(resp -> resp.body()).onComplete(ar -> probing[0] = false).onSuccess(b -> {
            for (String l : b.toString().split("\n"))
              if (l.startsWith("hotline_stream_feed_lag_events")) feedLagMax[0] = Math.max(feedLagMax[0], Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)));
          });
      });
    });
    httpVertx.cancelTimer(lagTimer[0]);
    long tEnd = System.nanoTime();
    long[] cpu1 = { cpuTicks(gwPid), pgTicks(), cpuTicks(ProcessHandle.current().pid()), totalTicks() };
    double wallS = (tEnd - cpu0[4]) / 1e9, tick = 100.0;
    double gwCpu = (cpu1[0] - cpu0[0]) / tick / wallS * 100, pgCpu = (cpu1[1] - cpu0[1]) / tick / wallS * 100;
    double loadCpu = (cpu1[2] - cpu0[2]) / tick / wallS * 100, allCpu = (cpu1[3] - cpu0[3]) / tick / wallS * 100;
    if (lo[0] < 0) throw new IllegalStateException("window start not known");
    // all 2xx are in: the window ends at the newest inquiry.created now committed
    List<long[]> window = new ArrayList<>();
    Map<String, BitSet> perDept = new HashMap<>();
    BitSet all = new BitSet();
    long hi = lo[0];
    for (Row row : pg.preparedQuery("select seq, department from event where type = 'inquiry.created' and seq > $1 order by seq")
        .execute(Tuple.of(lo[0])).await()) {
      int s = (int) (row.getLong(0) - lo[0]);
      all.set(s);
      perDept.computeIfAbsent(row.getString(1), k -> new BitSet()).set(s);
      hi = row.getLong(0);
    }
    // drain: every open operator has received the last event (bounded wait)
    long drain0 = System.nanoTime();
    while (System.nanoTime() - drain0 < drainSecs * 1_000_000_000L) {
      boolean done = true;
      for (Agent a : agents) if (a.open && a.dept == null && a.lastCreatedSeq < hi) { done = false; break; }
      if (done) break;
      Thread.sleep(50);
    }
    Thread.sleep(500); // officers, stragglers
    double drainS = (System.nanoTime() - drain0) / 1e9;
    // gateway CPU time per frame delivered, from the window's start until the last frame is in: the
    // per-frame cost, which (unlike latency) a busy machine barely moves, so builds compare fairly
    double gwUsPerFrame;
    long gwTicksDrained = cpuTicks(gwPid);
    windowLo = Long.MAX_VALUE;
    Map<String, Double> m1 = metrics();
    Hist h = new Hist();
    for (Hist x : runHists.values()) x.addTo(h);
    gwUsPerFrame = h.n == 0 ? Double.NaN : (gwTicksDrained - cpu0[0]) / tick / h.n * 1e6;
    long missing = 0, dups = 0, unexpected = 0, ooo = 0;
    int incomplete = 0;
    for (Agent a : measuredAgents) {
      BitSet exp = a.dept == null ? all : perDept.getOrDefault(a.dept, new BitSet());
      BitSet got;
      synchronized (a) {
        got = a.seen.get((int) lo[0] + 1, (int) hi + 1);
        // shift: bit i of got is seq lo+1+i, bit s of exp is seq lo+s
        BitSet shifted = new BitSet();
        for (int i = got.nextSetBit(0); i >= 0; i = got.nextSetBit(i + 1)) shifted.set(i + 1);
        got = shifted;
        dups += a.dups; a.dups = 0;
        ooo += a.outOfOrder; a.outOfOrder = 0;
      }
      BitSet miss = (BitSet) exp.clone(); miss.andNot(got);
      BitSet extra = (BitSet) got.clone(); extra.andNot(exp);
      missing += miss.cardinality(); unexpected += extra.cardinality();
      if (!miss.isEmpty()) incomplete++;
    }
    double pushCount = sumMetric(m1, "hotline_stream_push_latency_seconds_count") - sumMetric(m0Before, "hotline_stream_push_latency_seconds_count");
    double pushSum = sumMetric(m1, "hotline_stream_push_latency_seconds_sum") - sumMetric(m0Before, "hotline_stream_push_latency_seconds_sum");
    m0Before = m1;
    double pushMax = sumMetric(m1, "hotline_stream_push_latency_seconds_max") * 1000;
    // push latency counts one sample per event per hub (http.instances); the mean is what matters
    return new Run(rate, rep, sr.okMeasured / (double) secs, sr.sentMeasured / (double) secs, sr.okMeasured, sr.notSent, sr.non2xx, sr.errors,
        h.q(0.50), h.q(0.99), h.q(0.999), h.max / 1000.0, h.n, h.negative, all.cardinality(), measuredAgents.length,
        missing, dups, unexpected, ooo, incomplete, laggedFrames.get() - lagged0, closes4008.get() - c4008,
        sr.ack.q(0.5), sr.ack.q(0.99), pushCount > 0 ? pushSum / pushCount * 1000 : Double.NaN, pushMax, feedLagMax[0],
        gwCpu, pgCpu, loadCpu, Math.max(0, allCpu - gwCpu - pgCpu - loadCpu), drainS, gwUsPerFrame,
        String.format("settled %.0f s before; sent %d (warm-up + measured), not sent (in-flight cap) %d, non-2xx %s, errors/timeouts %d; ack p50 %.1f ms; window: %d inquiry.created, %d agents (%d open at the end)",
            settled, sr.sent, sr.notSent, sr.statuses.isEmpty() ? "0" : sr.statuses.toString(), sr.errors, sr.ack.q(0.5), all.cardinality(), measuredAgents.length, openCount()));
  }
  static Map<String, Double> m0Before = new HashMap<>();

  static final String HEAD = String.format("%-5s %-3s %8s %8s %8s %8s %8s %8s %8s %6s %7s %5s %5s %6s %7s %6s %6s %7s %7s %7s %5s %5s %5s %5s %7s",
      "rate", "rep", "offer/s", "2xx/s", "p50ms", "p99ms", "p999ms", "maxms", "samples", "evts", "missing", "dups", "lagd",
      "4008", "ackp99", "push", "pushmx", "feedlag", "drain_s", "gwCPU%", "pg%", "load%", "oth%", "notok", "gwus/fr");
  static String row(Run r) {
    return String.format(Locale.ROOT, "%-5d %-3d %8.0f %8.0f %8.2f %8.2f %8.2f %8.1f %8d %6d %7d %5d %5d %6d %7.1f %6.2f %6.1f %7.0f %7.1f %7.0f %5.0f %5.0f %5.0f %5d %7.2f",
        r.rate, r.rep, r.offered, r.achieved, r.p50, r.p99, r.p999, r.max, r.samples, r.windowEvents, r.missing, r.dups, r.lagged,
        r.closed4008, r.ackP99, r.pushMeanMs, r.pushMaxMs, r.feedLagMax, r.drainS, r.gwCpu, r.pgCpu, r.loadCpu, r.otherCpu,
        r.notSent + r.non2xx + r.errors, r.gwUsPerFrame);
  }
  static double median(List<Run> rs, java.util.function.ToDoubleFunction<Run> f) {
    double[] v = rs.stream().mapToDouble(f).sorted().toArray();
    int n = v.length;
    return n == 0 ? Double.NaN : n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
  }

  // ------------------------------------------------------------------ main
  public static void main(String[] args) {
    try {
      run(args);
      System.exit(0);
    } catch (Throwable t) {
      t.printStackTrace();
      System.exit(1); // Vert.x threads would keep the JVM alive
    }
  }

  static void run(String[] args) throws Exception {
    Cfg c = new Cfg(args);
    port = c.i("port", 8080); pgPort = c.i("pgPort", 0); gwPid = Long.parseLong(c.s("gwPid", "0")); pidFile = c.s("pgPidFile", "");
    agentsN = c.i("agents", 1000); secs = c.i("secs", 30); warmup = c.i("warmup", 5); reps = c.i("reps", 3);
    conns = c.i("conns", 128); drainSecs = c.i("drain", 30); settleSecs = c.i("settle", 120);
    keepAliveMs = c.i("keepAliveSecs", 50) * 1000L;
    officerShare = Double.parseDouble(c.s("officers", "0.1"));
    secret = System.getenv("HOTLINE_JWT_SECRET");
    int[] rates = Arrays.stream(c.s("rates", "100,500,2000").split(",")).mapToInt(Integer::parseInt).toArray();
    boolean doMem = !"0".equals(c.s("mem", "1"));

    wsVertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(c.i("loops", 2)));
    httpVertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
    int nLoops = c.i("loops", 2);
    wsVertx.deployVerticle(() -> new io.vertx.core.VerticleBase() {
      @Override
      public Future<?> start() {
        loops.add(context);
        return Future.succeededFuture();
      }
    }, new io.vertx.core.DeploymentOptions().setInstances(nLoops)).await();
    netClient = wsVertx.createNetClient(new io.vertx.core.net.NetClientOptions().setConnectTimeout(20_000).setTcpNoDelay(true));
    http = httpVertx.createHttpClient(new HttpClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(port).setKeepAlive(true),
        new PoolOptions().setHttp1MaxSize(conns).setMaxWaitQueueSize(-1));
    metricsHttp = httpVertx.createHttpClient(new HttpClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(port).setKeepAlive(true),
        new PoolOptions().setHttp1MaxSize(2));
    pg = PgBuilder.pool().connectingTo(new PgConnectOptions().setHost("127.0.0.1").setPort(pgPort).setUser("postgres")
        .setDatabase("postgres")).using(httpVertx).build();

    // tokens: HS256 with the gateway's secret, like `gateway token`
    JWTAuth jwt = JWTAuth.create(wsVertx, new JWTAuthOptions().addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(secret)));
    String[] depts = { "SYT", "CA", "SGTVT", "SLDTBXH", "MTTQ", "VPUBND" };
    agents = new Agent[agentsN];
    int officers = (int) Math.round(agentsN * officerShare);
    for (int i = 0; i < agentsN; i++) {
      boolean officer = i % Math.max(1, Math.round(1 / Math.max(officerShare, 1e-9))) == 1 && officers-- > 0;
      String dept = officer ? depts[i % depts.length] : null;
      String sub = (officer ? "off" : "op") + i;
      JsonObject claims = new JsonObject().put("sub", sub).put("name", "Bench " + sub)
          .put("roles", new JsonArray().add(officer ? "officer" : "operator"));
      if (dept != null) claims.put("department", dept);
      agents[i] = new Agent(i, sub, dept, jwt.generateToken(claims, new JWTOptions().setIssuer("hotline-1022").setExpiresInMinutes(600)));
    }
    long nOfficers = Arrays.stream(agents).filter(a -> a.dept != null).count();
    out(String.format("agents: %d (%d operators, %d officers of %s); rates %s/s; %d s measured after %d s warm-up; %d reps; sender: %d HTTP connections",
        agentsN, agentsN - nOfficers, nOfficers, String.join(",", depts), Arrays.toString(rates), secs, warmup, reps, conns));

    Mem mem0 = null, memN = null;
    if (doMem) {
      log("memory with 0 agents (after GC)");
      mem0 = memory();
    }
    long t0 = System.nanoTime();
    int failed = connectAll();
    out(String.format("connected %d/%d agents in %.1f s (%d failed)", openCount(), agentsN, (System.nanoTime() - t0) / 1e9, failed));
    if (doMem) {
      Thread.sleep(3000);
      log("memory with " + openCount() + " idle agents (after GC)");
      memN = memory();
      int n = openCount();
      out("");
      out("== memory per idle connection (gateway JVM, after 2x GC.run; " + n + " idle subscribed agents)");
      out(String.format(Locale.ROOT, "RSS:  %,d KB with 0 agents, %,d KB with %d -> %.1f KB per connection", mem0.rssKb, memN.rssKb, n, (memN.rssKb - mem0.rssKb) / (double) n));
      out(String.format(Locale.ROOT, "heap used (GC.heap_info): %,d KB -> %,d KB -> %.1f KB per connection", mem0.heapKb, memN.heapKb, (memN.heapKb - mem0.heapKb) / (double) n));
      if (mem0.metricsHeapBytes > 0)
        out(String.format(Locale.ROOT, "heap used (/metrics jvm_memory_used_bytes): %.1f KB per connection; non-heap %.1f KB; direct buffers %.1f KB",
            (memN.metricsHeapBytes - mem0.metricsHeapBytes) / 1024 / n, (memN.nonHeapBytes - mem0.nonHeapBytes) / 1024 / n,
            (memN.directBytes - mem0.directBytes) / 1024 / n));
      else out("(/metrics has no jvm_memory_used_bytes: JVM memory metrics are not bound)");
      out(String.format(Locale.ROOT, "MEM rss_per_conn_kb %.1f heap_per_conn_kb %.1f", (memN.rssKb - mem0.rssKb) / (double) n, (memN.heapKb - mem0.heapKb) / (double) n));
    }
    m0Before = metrics();

    List<Run> runs = new ArrayList<>();
    out("");
    out("== latency runs (commit-to-delivery = agent receive time - event 'at'; all agents, inquiry.created of the measured window)");
    out(HEAD);
    for (int rate : rates) {
      for (int rep = 1; rep <= reps; rep++) {
        Run r = latencyRun(rate, rep);
        runs.add(r);
        out(row(r));
        out("      " + r.notOk);
        Thread.sleep(2000);
      }
    }
    out("");
    out("== medians per rate over " + reps + " runs");
    out(HEAD);
    for (int rate : rates) {
      List<Run> rs = runs.stream().filter(r -> r.rate == rate).toList();
      out(String.format(Locale.ROOT, "%-5d %-3s %8.0f %8.0f %8.2f %8.2f %8.2f %8.1f %8.0f %6.0f %7.0f %5.0f %5.0f %6.0f %7.1f %6.2f %6.1f %7.0f %7.1f %7.0f %5.0f %5.0f %5.0f %5.0f %7.2f",
          rate, "med", median(rs, Run::offered), median(rs, Run::achieved), median(rs, Run::p50), median(rs, Run::p99), median(rs, Run::p999),
          median(rs, Run::max), median(rs, r -> r.samples), median(rs, r -> r.windowEvents), median(rs, r -> r.missing), median(rs, r -> r.dups),
          median(rs, r -> r.lagged), median(rs, r -> r.closed4008), median(rs, Run::ackP99), median(rs, Run::pushMeanMs), median(rs, Run::pushMaxMs),
          median(rs, Run::feedLagMax), median(rs, Run::drainS), median(rs, Run::gwCpu), median(rs, Run::pgCpu), median(rs, Run::loadCpu),
          median(rs, Run::otherCpu), median(rs, r -> r.notSent + r.non2xx + r.errors), median(rs, Run::gwUsPerFrame)));
      long miss = rs.stream().mapToLong(r -> r.missing).sum(), dup = rs.stream().mapToLong(r -> r.dups).sum();
      long unexp = rs.stream().mapToLong(r -> r.unexpected).sum(), ooo = rs.stream().mapToLong(r -> r.outOfOrder).sum();
      long lag = rs.stream().mapToLong(r -> r.lagged).sum(), neg = rs.stream().mapToLong(r -> r.negative).sum();
      int inc = rs.stream().mapToInt(r -> r.agentsIncomplete).max().orElse(0);
      double p99 = median(rs, Run::p99), ach = median(rs, Run::achieved);
      out(String.format(Locale.ROOT, "  rate %d: completeness %s (missing %d, duplicates %d, out-of-scope %d, out-of-order %d over %d runs; at most %d agents incomplete in a run); lagged frames %d; negative latencies %d",
          rate, miss == 0 && dup == 0 && unexp == 0 && ooo == 0 ? "PASS" : "FAIL", miss, dup, unexp, ooo, rs.size(), inc, lag, neg));
      out(String.format(Locale.ROOT, "  rate %d: inquiry.created committed in the window: median %.0f/s", rate, median(rs, r -> r.windowEvents / (double) secs)));
      out(String.format(Locale.ROOT, "  rate %d: sustained %s (median %.0f of %d/s acknowledged); p99 %.2f ms -> %s (target < 100 ms)",
          rate, ach >= 0.97 * rate ? "yes" : "NO", ach, rate, p99, p99 < 100 ? "MEETS" : "MISSES"));
      out(String.format(Locale.ROOT, "RATE %d p50 %.2f p99 %.2f p999 %.2f max %.1f achieved %.0f missing %d dups %d lagged %d", rate,
          median(rs, Run::p50), p99, median(rs, Run::p999), median(rs, Run::max), ach, miss, dup, lag));
    }
    out("");
    out("other event frames received by all agents (not measured): " + otherTypes + "; inquiry.created frames that needed a full JSON parse: " + parseFallbacks.get());
    out("");
    out("== gateway /metrics at the end (" + openCount() + " agents connected)");
    out(metricLines("hotline_stream_push_latency_seconds", "hotline_agent_sessions", "hotline_stream_feed_lag_events").strip());
    out("");
    out("columns: offer/s = requests scheduled in the measured window / s; 2xx/s = of those, acknowledged (achieved rate); p50..max = commit-to-delivery over all agents and events (ms, 10 µs buckets);");
    out("samples = latency samples (events x agents); evts = inquiry.created events committed in the window (from the event table); missing/dups = summed over agents vs the event table;");
    out("lagd = 'lagged' frames received; 4008 = sockets closed by the gateway as lagged; ackp99 = HTTP 201 latency p99 from the intended send time (ms);");
    out("push = mean of hotline_stream_push_latency_seconds over the run (ms, commit 'at' -> frames written to the sockets), pushmx = its max; feedlag = max of hotline_stream_feed_lag_events (sampled every 0.5 s);");
    out("drain_s = time after the sender stopped until every operator had the last event; CPU % of one core over the measured window: gateway JVM, Postgres (all backends), this load JVM, everything else on the machine; notok = not sent (in-flight cap) + non-2xx + errors; gwus/fr = gateway CPU µs per delivered frame, window start to last frame (intake included: compare builds with it, a busy machine barely moves it).");
    stopping = true;
    for (Agent a : agents) if (a.open) a.ws.close();
    Thread.sleep(1000);
    pg.close(); http.close(); metricsHttp.close();
    wsVertx.close().await(10, TimeUnit.SECONDS);
    httpVertx.close().await(10, TimeUnit.SECONDS);
    System.exit(0);
  }
}
