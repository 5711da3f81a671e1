package org.hotline1022.gateway.store;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import org.hotline1022.gateway.intake.MailCheckpoints;

/** {@link MailCheckpoints} in the {@code mail_checkpoint} table (V5). */
public final class PgMailCheckpoints implements MailCheckpoints {
  private final Pool pool;

  public PgMailCheckpoints(Pool pool) {
    this.pool = pool;
  }

  @Override
  public Future<Checkpoint> load(String mailbox) {
    return pool.preparedQuery("select uid_validity, last_uid from mail_checkpoint where mailbox = $1")
        .execute(Tuple.of(mailbox))
        .map(rows -> {
          var it = rows.iterator();
          if (!it.hasNext()) {
            return null;
          }
          Row r = it.next();
          return new Checkpoint(mailbox, r.getLong(0), r.getLong(1));
        });
  }

  @Override
  public Future<Void> save(Checkpoint c) {
    return pool.preparedQuery("""
            insert into mail_checkpoint (mailbox, uid_validity, last_uid, updated_at) values ($1, $2, $3, now())
            on conflict (mailbox) do update set uid_validity = excluded.uid_validity,
              last_uid = case when mail_checkpoint.uid_validity = excluded.uid_validity
                              then greatest(mail_checkpoint.last_uid, excluded.last_uid) else excluded.last_uid end,
              updated_at = now()""")
        .execute(Tuple.of(c.mailbox(), c.uidValidity(), c.lastUid()))
        .mapEmpty();
  }

  @Override
  public Future<Boolean> lease(String mailbox, String owner, int seconds) {
    return pool.preparedQuery("""
            insert into mail_lease (mailbox, owner, expires_at) values ($1, $2, now() + $3 * interval '1 second')
            on conflict (mailbox) do update set owner = excluded.owner, expires_at = excluded.expires_at
            where mail_lease.owner = excluded.owner or mail_lease.expires_at < now()
            returning owner""")
        .execute(Tuple.of(mailbox, owner, seconds))
        .map(rows -> rows.size() == 1);
  }

  @Override
  public Future<Void> release(String mailbox, String owner) {
    return pool.preparedQuery("delete from mail_lease where mailbox = $1 and owner = $2").execute(Tuple.of(mailbox, owner)).mapEmpty();
  }
}
