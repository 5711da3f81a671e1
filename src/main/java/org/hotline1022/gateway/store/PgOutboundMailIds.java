package org.hotline1022.gateway.store;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import org.hotline1022.gateway.reply.OutboundMailIds;

/** {@link OutboundMailIds} in {@code mail_outbound_id} (V9), one statement per reply attempt. */
public final class PgOutboundMailIds implements OutboundMailIds {
  private static final String PREPARE = """
      with ins as (
        insert into mail_outbound_id (mail_id, message_id, inquiry_id) values ($1, $2, $3)
        on conflict (message_id) do nothing
        returning mail_id
      )
      select coalesce((select mail_id from ins), (select mail_id from mail_outbound_id where message_id = $2)) as mail_id,
             (select m.facts->>'mailboxName' from message m where m.inquiry_id = $3 and m.direction = 'in'
              order by m.id desc limit 1) as mailbox_name""";

  private final Pool pool;

  public PgOutboundMailIds(Pool pool) {
    this.pool = pool;
  }

  @Override
  public Future<Prepared> prepare(long messageId, long inquiryId, String candidate) {
    return pool.preparedQuery(PREPARE).execute(Tuple.of(candidate, messageId, inquiryId)).map(rows -> {
      Row r = rows.iterator().next();
      return new Prepared(r.getString("mail_id"), r.getString("mailbox_name"));
    });
  }
}
