package org.hotline1022.gateway.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import org.hotline1022.gateway.support.PgServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The feed, the media and receipt workers and agent replays follow the event log with
 * {@code seq > $1}. Their statements are prepared once, at start, when the log may be empty; after
 * that the log only grows. Each read must still touch a few index pages, not the whole log: the bench
 * found every feed read scanning ~3,000 pages (14 ms) after 25,000 events: the server kept the plan
 * it made for an empty table. With the plain pool this test fails.
 */
class CursorPlanIT {
  private static final String FEED_READ = "select seq, type, at, department, payload from event where seq > $1 order by seq limit 1000";
  private static final int EVENTS = 60_000;
  private static final String SCANS = "select coalesce(seq_scan, 0) + coalesce(idx_scan, 0) from pg_stat_user_tables where relname = 'event'";

  @TempDir
  Path dir;

  @Test
  void readsFollowingTheLogStayIndexScansAsTheLogGrows() throws Exception {
    try (PgServer pg = PgServer.start(dir.resolve("pg"))) {
      DbEndpoint ep = DbEndpoint.fromUrl(pg.url(), 5000);
      DatabaseVerticle.migrate(ep);
      Vertx vertx = Vertx.vertx();
      try {
        Pool cursor = ep.cursorPool(vertx, "test-cursor", 1, false);
        try (Connection c = DriverManager.getConnection(ep.jdbcUrl(), ep.user(), ep.password()); Statement st = c.createStatement()) {
          // prepared while the log is empty, as at a first start, and executed often enough for the
          // server to settle on a plan
          for (int i = 0; i < 10; i++) {
            cursor.preparedQuery(FEED_READ).execute(Tuple.of(0L)).await();
          }
          insertEvents(st, EVENTS);
          long last = scalar(st, "select max(seq) from event");
          long scansBefore = scalar(st, SCANS);
          long before = scalar(st, "select seq_tup_read from pg_stat_user_tables where relname = 'event'");

          for (int i = 0; i < 20; i++) {
            assertThat(cursor.preparedQuery(FEED_READ).execute(Tuple.of(last - 30)).await().size()).isEqualTo(30);
          }
          waitForStats(st, scansBefore + 20);
          long after = scalar(st, "select seq_tup_read from pg_stat_user_tables where relname = 'event'");
          assertThat(after - before)
              .as("rows read by sequential scans of the log during 20 reads of 30 recent events")
              .isLessThan(EVENTS);
        }
      } finally {
        vertx.close().await();
      }
    }
  }

  private static void insertEvents(Statement st, int n) throws Exception {
    st.execute("insert into event (seq, type, inquiry_id, department, payload) select nextval('event_seq'), 'inquiry.created', g, 'd', "
        + "jsonb_build_object('text', repeat('x', 400)) from generate_series(1, " + n + ") g");
  }

  /**
   * A reading backend reports its table statistics when it goes idle, up to ~10 s later: waits until
   * the 20 reads are counted (as index or sequential scans, whichever they were).
   */
  private static void waitForStats(Statement st, long scans) throws Exception {
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (System.nanoTime() < deadline) {
      st.execute("select pg_stat_clear_snapshot()");
      if (scalar(st, SCANS) >= scans) {
        return;
      }
      Thread.sleep(250);
    }
    throw new AssertionError("the reads never reached the statistics views");
  }

  private static long scalar(Statement st, String sql) throws Exception {
    try (ResultSet rs = st.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
