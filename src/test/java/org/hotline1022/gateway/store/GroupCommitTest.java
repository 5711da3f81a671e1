package org.hotline1022.gateway.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Context;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.hotline1022.gateway.support.Eventually;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** How the group commit cuts requests into batches while another batch is in flight. */
class GroupCommitTest {
  private static final String ADDRESS = "test.group-commit";

  private Vertx vertx;
  private Context context;
  private final List<List<Integer>> batches = new CopyOnWriteArrayList<>();
  private final List<Promise<RowSet<Row>>> pending = new CopyOnWriteArrayList<>();
  private final List<Integer> answered = Collections.synchronizedList(new ArrayList<>());

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    context = vertx.getOrCreateContext();
    Promise<Void> up = Promise.promise();
    context.runOnContext(v -> {
      GroupCommit<Integer> commits = new GroupCommit<>("test", 1000, 400, 2, items -> {
        batches.add(List.copyOf(items));
        Promise<RowSet<Row>> p = Promise.promise();
        pending.add(p);
        return p.future();
      }, (rows, size) -> {
        Object[] replies = new Object[size];
        java.util.Arrays.fill(replies, "ok");
        return replies;
      }, new GroupCommit.Meter() {
        @Override
        public void batch(int size, long commitNanos) {}

        @Override
        public void batchFailed(String cause) {}
      }, String::valueOf, LoggerFactory.getLogger(GroupCommitTest.class));
      vertx.eventBus().<Integer>localConsumer(ADDRESS, commits::offer).completion().onComplete(up);
    });
    up.future().await(5, TimeUnit.SECONDS);
  }

  @AfterEach
  void stop() {
    vertx.close().await();
  }

  private void send(int from, int count) {
    for (int i = from; i < from + count; i++) {
      int n = i;
      vertx.eventBus().request(ADDRESS, n).onSuccess(reply -> answered.add(n));
    }
  }

  private void commit(int batch) {
    context.runOnContext(v -> pending.get(batch).complete(null));
  }

  @Test
  void loneRequestsWaitForTheBatchInFlightInsteadOfTakingTheFreeSlot() throws Exception {
    send(0, 1);
    Eventually.until(Duration.ofSeconds(5), "first batch", () -> batches.size() == 1);
    send(1, GroupCommit.MIN_PARALLEL_BATCH - 1);
    Thread.sleep(300);
    assertThat(batches).as("fewer than the minimum wait: no second batch yet").hasSize(1);

    commit(0);
    Eventually.until(Duration.ofSeconds(5), "second batch", () -> batches.size() == 2);
    assertThat(batches.get(1)).as("everything that waited, in one batch").hasSize(GroupCommit.MIN_PARALLEL_BATCH - 1);
    assertThat(answered).containsExactly(0);
    commit(1);
    Eventually.until(Duration.ofSeconds(5), "all answered", () -> answered.size() == GroupCommit.MIN_PARALLEL_BATCH);
  }

  @Test
  void enoughWaitingRequestsStartASecondBatchBesideTheFirst() throws Exception {
    send(0, 1);
    Eventually.until(Duration.ofSeconds(5), "first batch", () -> batches.size() == 1);
    send(1, GroupCommit.MIN_PARALLEL_BATCH + 4);
    Eventually.until(Duration.ofSeconds(5), "parallel batch", () -> batches.size() == 2);
    assertThat(batches.get(1).size()).isGreaterThanOrEqualTo(GroupCommit.MIN_PARALLEL_BATCH);
    assertThat(answered).as("nobody answered before a commit").isEmpty();

    send(100, 3);
    Thread.sleep(300);
    assertThat(batches).as("both slots busy: the rest waits").hasSize(2);
    commit(1);
    commit(0);
    Eventually.until(Duration.ofSeconds(5), "the rest as one batch", () -> batches.size() >= 3);
    for (int i = 2; i < batches.size(); i++) {
      commit(i);
    }
    Eventually.until(Duration.ofSeconds(5), "all answered", () -> answered.size() == GroupCommit.MIN_PARALLEL_BATCH + 8);
  }

  @Test
  void anIdleWriterStartsALoneRequestAtOnce() throws Exception {
    send(0, 1);
    Eventually.until(Duration.ofSeconds(5), "first batch", () -> batches.size() == 1);
    commit(0);
    Eventually.until(Duration.ofSeconds(5), "answered", () -> answered.size() == 1);
    send(1, 1);
    Eventually.until(Duration.ofSeconds(5), "second lone batch", () -> batches.size() == 2);
    assertThat(batches.get(1)).containsExactly(1);
    commit(1);
    Eventually.until(Duration.ofSeconds(5), "answered", () -> answered.size() == 2);
  }
}
