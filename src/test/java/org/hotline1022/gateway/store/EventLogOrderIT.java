package org.hotline1022.gateway.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.hotline1022.gateway.support.PgServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The event log is read by "seq greater than the last one I saw". That is only safe if no row ever
 * commits below a seq a reader has already seen. Many transactions append concurrently and pause
 * between drawing their seq and committing; a reader that follows the log all along must end up
 * having seen every row: none may appear behind its back.
 */
class EventLogOrderIT {
  @TempDir
  Path dir;

  @Test
  void aReaderFollowingBySeqNeverMissesARowUnderConcurrentAppends() throws Exception {
    try (PgServer pg = PgServer.start(dir.resolve("pg"))) {
      DbEndpoint ep = DbEndpoint.fromUrl(pg.url(), 5000);
      DatabaseVerticle.migrate(ep);
      int writers = 6;
      int txPerWriter = 150;
      ExecutorService pool = Executors.newFixedThreadPool(writers + 1);
      AtomicBoolean writing = new AtomicBoolean(true);
      Set<Long> seen = new ConcurrentSkipListSet<>();
      List<Long> late = new ArrayList<>();

      Future<?> reader = pool.submit(() -> {
        try (Connection c = DriverManager.getConnection(ep.jdbcUrl(), ep.user(), ep.password())) {
          long last = 0;
          boolean finalPass = false;
          while (true) {
            boolean stopAfterThis = !writing.get();
            try (Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("select seq from event where seq > " + last + " order by seq")) {
              while (rs.next()) {
                long seq = rs.getLong(1);
                seen.add(seq);
                last = seq;
              }
            }
            if (finalPass) {
              break;
            }
            finalPass = stopAfterThis;
          }
        }
        return null;
      });

      List<Future<?>> appenders = new ArrayList<>();
      for (int w = 0; w < writers; w++) {
        int seed = w;
        appenders.add(pool.submit(() -> {
          Random random = new Random(seed);
          try (Connection c = DriverManager.getConnection(ep.jdbcUrl(), ep.user(), ep.password())) {
            c.setAutoCommit(false);
            try (Statement st = c.createStatement()) {
              for (int i = 0; i < txPerWriter; i++) {
                st.execute("select pg_sleep(" + random.nextInt(3) / 1000.0 + ")");
                int n = 1 + random.nextInt(3);
                st.execute("select hotline_append_events(array_fill('test.event'::text, array[" + n + "]), array_fill(null::bigint, array["
                    + n + "]), array_fill(null::text, array[" + n + "]), array_fill('{}'::jsonb, array[" + n + "]))");
                // the dangerous window: seq drawn, not yet committed
                st.execute("select pg_sleep(" + random.nextInt(4) / 1000.0 + ")");
                c.commit();
              }
            }
          }
          return null;
        }));
      }
      for (Future<?> f : appenders) {
        f.get(120, TimeUnit.SECONDS);
      }
      writing.set(false);
      reader.get(60, TimeUnit.SECONDS);
      pool.shutdown();

      Set<Long> all = new TreeSet<>();
      try (Connection c = DriverManager.getConnection(ep.jdbcUrl(), ep.user(), ep.password());
          Statement st = c.createStatement();
          ResultSet rs = st.executeQuery("select seq from event")) {
        while (rs.next()) {
          all.add(rs.getLong(1));
        }
      }
      for (Long seq : all) {
        if (!seen.contains(seq)) {
          late.add(seq);
        }
      }
      assertThat(all.size()).isGreaterThanOrEqualTo(writers * txPerWriter);
      assertThat(late).as("rows that committed below a seq the reader had already passed").isEmpty();
    }
  }
}
