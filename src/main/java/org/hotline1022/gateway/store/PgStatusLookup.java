package org.hotline1022.gateway.store;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.hotline1022.gateway.intake.CitizenStatus;
import org.hotline1022.gateway.intake.StatusLookup;

/** The citizen's view: status plus the outbound answers that were delivered to the web channel. */
public final class PgStatusLookup implements StatusLookup {
  private static final String SQL = """
      select i.tracking_code, i.status, i.created_at, m.body, coalesce(o.sent_at, m.created_at) as answered_at
      from inquiry i
      left join message m on m.inquiry_id = i.id and m.direction = 'out'
      left join outbox o on o.message_id = m.id
      where i.tracking_code = $1 and (m.id is null or o.status = 'sent')
      order by m.id""";

  private final Pool pool;

  public PgStatusLookup(Pool pool) {
    this.pool = pool;
  }

  @Override
  public Future<Optional<CitizenStatus>> find(String trackingCode) {
    return pool.preparedQuery(SQL).execute(Tuple.of(trackingCode)).compose(rows -> {
      if (rows.size() == 0) {
        return exists(trackingCode);
      }
      List<CitizenStatus.Answer> answers = new ArrayList<>();
      Row first = null;
      for (Row r : rows) {
        first = first == null ? r : first;
        if (r.getString("body") != null) {
          answers.add(new CitizenStatus.Answer(r.getString("body"), r.getOffsetDateTime("answered_at").toInstant()));
        }
      }
      return Future.succeededFuture(Optional.of(new CitizenStatus(first.getString("tracking_code"), first.getString("status"),
          first.getOffsetDateTime("created_at").toInstant(), List.copyOf(answers))));
    });
  }

  /** An inquiry whose only outbound messages are still undelivered has no answer rows above. */
  private Future<Optional<CitizenStatus>> exists(String trackingCode) {
    return pool.preparedQuery("select tracking_code, status, created_at from inquiry where tracking_code = $1")
        .execute(Tuple.of(trackingCode))
        .map(rows -> {
          if (rows.size() == 0) {
            return Optional.empty();
          }
          Row r = rows.iterator().next();
          return Optional.of(new CitizenStatus(r.getString("tracking_code"), r.getString("status"),
              r.getOffsetDateTime("created_at").toInstant(), List.of()));
        });
  }
}
