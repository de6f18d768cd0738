import GRDB

/// The SQLite schema, as versioned migrations. A merged migration is never edited: add a new one.
enum SQLiteMigrations {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-events") { db in
            // Times are milliseconds since 1970-01-01 UTC; JSON columns hold compact JSON text.
            try db.execute(
                sql: """
                    CREATE TABLE customer (
                      id INTEGER PRIMARY KEY,
                      user_id TEXT UNIQUE,
                      traits TEXT NOT NULL DEFAULT '{}',
                      traits_updated_at INTEGER,
                      first_seen INTEGER NOT NULL,
                      last_seen INTEGER NOT NULL,
                      created_at INTEGER NOT NULL
                    );
                    CREATE TABLE identity (
                      alias TEXT PRIMARY KEY,
                      customer_id INTEGER NOT NULL
                    ) WITHOUT ROWID;
                    CREATE INDEX identity_customer ON identity(customer_id);
                    CREATE TABLE customer_merge (
                      from_id INTEGER NOT NULL,
                      into_id INTEGER NOT NULL,
                      merged_at INTEGER NOT NULL
                    );
                    CREATE TABLE event_type (
                      id INTEGER PRIMARY KEY,
                      kind TEXT NOT NULL,
                      name TEXT NOT NULL,
                      UNIQUE(kind, name)
                    );
                    CREATE TABLE event (
                      id INTEGER PRIMARY KEY,
                      message_id TEXT NOT NULL UNIQUE,
                      customer_id INTEGER NOT NULL,
                      type_id INTEGER NOT NULL,
                      timestamp INTEGER NOT NULL,
                      received_at INTEGER NOT NULL,
                      properties TEXT,
                      context TEXT,
                      revenue REAL,
                      currency TEXT
                    );
                    CREATE INDEX event_customer_time ON event(customer_id, timestamp);
                    CREATE INDEX event_time ON event(timestamp);
                    CREATE TABLE "order" (
                      id INTEGER PRIMARY KEY,
                      order_id TEXT NOT NULL UNIQUE,
                      customer_id INTEGER NOT NULL,
                      event_id INTEGER NOT NULL,
                      timestamp INTEGER NOT NULL,
                      value REAL NOT NULL,
                      total REAL,
                      revenue REAL,
                      discount REAL,
                      coupon TEXT,
                      currency TEXT
                    );
                    CREATE INDEX order_customer_time ON "order"(customer_id, timestamp);
                    CREATE TABLE order_line (
                      order_ref INTEGER NOT NULL,
                      position INTEGER NOT NULL,
                      product_id TEXT,
                      sku TEXT,
                      name TEXT,
                      category TEXT,
                      price REAL,
                      quantity REAL NOT NULL,
                      PRIMARY KEY(order_ref, position)
                    ) WITHOUT ROWID;
                    CREATE TABLE subscription (
                      id INTEGER PRIMARY KEY,
                      customer_id INTEGER NOT NULL,
                      subscription_id TEXT NOT NULL,
                      plan TEXT,
                      status TEXT NOT NULL,
                      amount REAL,
                      currency TEXT,
                      interval_months INTEGER,
                      started_at INTEGER,
                      renewed_at INTEGER,
                      renewals INTEGER NOT NULL DEFAULT 0,
                      cancelled_at INTEGER,
                      cancel_reason TEXT,
                      UNIQUE(customer_id, subscription_id)
                    );
                    CREATE TABLE group_membership (
                      customer_id INTEGER NOT NULL,
                      group_id TEXT NOT NULL,
                      traits TEXT NOT NULL DEFAULT '{}',
                      PRIMARY KEY(customer_id, group_id)
                    ) WITHOUT ROWID;
                    CREATE TABLE api_key (
                      id INTEGER PRIMARY KEY,
                      name TEXT NOT NULL,
                      scope TEXT NOT NULL,
                      prefix TEXT NOT NULL,
                      hash BLOB NOT NULL UNIQUE,
                      created_at INTEGER NOT NULL,
                      revoked_at INTEGER
                    );
                    """)
        }
        migrator.registerMigration("v2-event-log") { db in
            // The event log in columnar blocks (see EventBlock): `event_block` holds the columns
            // the analytics snapshot reads (customer ids u32, event type ids u32, times i64 ms,
            // revenues f64, little-endian), `event_block_detail` the dedupe keys (16 bytes each)
            // and each event's message id, payload, context and currency. Rows of the v1 `event`,
            // `order` and `order_line` tables are moved into the log when the store opens.
            try db.execute(
                sql: """
                    CREATE TABLE event_block (
                      id INTEGER PRIMARY KEY,
                      first_seq INTEGER NOT NULL,
                      events INTEGER NOT NULL,
                      first_time INTEGER NOT NULL,
                      last_time INTEGER NOT NULL,
                      orders INTEGER NOT NULL,
                      order_lines INTEGER NOT NULL,
                      order_revenue REAL NOT NULL,
                      customers BLOB NOT NULL,
                      types BLOB NOT NULL,
                      times BLOB NOT NULL,
                      revenues BLOB NOT NULL
                    );
                    CREATE TABLE event_block_detail (
                      block_id INTEGER PRIMARY KEY,
                      keys BLOB NOT NULL,
                      order_keys BLOB NOT NULL,
                      details BLOB NOT NULL
                    );
                    """)
        }
        migrator.registerMigration("v2-dashboard-users") { db in
            // People who sign in to the dashboard with a password (bcrypt hash, never the password).
            try db.execute(
                sql: """
                    CREATE TABLE dashboard_user (
                      id INTEGER PRIMARY KEY,
                      name TEXT NOT NULL UNIQUE,
                      password_hash TEXT NOT NULL,
                      created_at INTEGER NOT NULL
                    );
                    """)
        }
        migrator.registerMigration("v3-dashboard-sessions") { db in
            // Signed-in dashboard sessions, so a restart signs no one out: the SHA-256 of the
            // cookie's token (never the token), who signed in, the form token, and when the
            // session ends (milliseconds since 1970 UTC; extended on use).
            try db.execute(
                sql: """
                    CREATE TABLE dashboard_session (
                      token_hash BLOB PRIMARY KEY,
                      subject TEXT NOT NULL,
                      csrf_token TEXT NOT NULL,
                      created_at INTEGER NOT NULL,
                      expires_at INTEGER NOT NULL
                    ) WITHOUT ROWID;
                    CREATE INDEX dashboard_session_expiry ON dashboard_session(expires_at);
                    """)
        }
        migrator.registerMigration("v3-exit-feedback") { db in
            // Reasons for leaving from exit surveys and account closures (subscription cancellations
            // keep theirs in `subscription.cancel_reason`). Events stored before this table are read
            // into it once when the store opens (the `store_task` row).
            try db.execute(
                sql: """
                    CREATE TABLE exit_feedback (
                      id INTEGER PRIMARY KEY,
                      customer_id INTEGER NOT NULL,
                      at INTEGER NOT NULL,
                      source TEXT NOT NULL,
                      reason TEXT NOT NULL
                    );
                    CREATE INDEX exit_feedback_customer ON exit_feedback(customer_id);
                    CREATE TABLE store_task (name TEXT PRIMARY KEY) WITHOUT ROWID;
                    INSERT INTO store_task (name) VALUES ('backfill-exit-feedback');
                    """)
        }
        migrator.registerMigration("v3-customer-trait-search") { db in
            // A trigram full-text index of every customer's traits JSON, kept in step with the
            // `customer` table by triggers: searching traits for a substring reads the index
            // instead of scanning every customer (customers without traits are not indexed).
            try db.execute(
                sql: """
                    CREATE VIRTUAL TABLE customer_trait_search USING fts5(
                      traits, content='customer', content_rowid='id', tokenize='trigram');
                    \(customerTraitSearchTriggers)
                    INSERT INTO customer_trait_search (rowid, traits) SELECT id, traits FROM customer WHERE traits <> '{}';
                    """)
        }
        migrator.registerMigration("v4-customer-user-index") { db in
            // `customer.user_id` unique through a named index instead of a column constraint, so a
            // bulk import that brings most of the customers can drop it and build it once at the end
            // (see `SQLiteMessageWriter.reserve(records:)`). The table is rebuilt the way SQLite
            // recommends; the trait search triggers go with the old table and are made again.
            try db.execute(
                sql: """
                    CREATE TABLE customer_v4 (
                      id INTEGER PRIMARY KEY,
                      user_id TEXT,
                      traits TEXT NOT NULL DEFAULT '{}',
                      traits_updated_at INTEGER,
                      first_seen INTEGER NOT NULL,
                      last_seen INTEGER NOT NULL,
                      created_at INTEGER NOT NULL
                    );
                    INSERT INTO customer_v4 (id, user_id, traits, traits_updated_at, first_seen, last_seen, created_at)
                      SELECT id, user_id, traits, traits_updated_at, first_seen, last_seen, created_at FROM customer;
                    DROP TABLE customer;
                    ALTER TABLE customer_v4 RENAME TO customer;
                    CREATE UNIQUE INDEX \(customerUserIndex) ON customer(user_id);
                    \(customerTraitSearchTriggers)
                    """)
        }
        migrator.registerMigration("v5-trait-search-updates-by-writer") { db in
            // Trait changes reach the search index from the writer (`SQLiteMessageWriter.reindexTraits`):
            // through this trigger each one cost four times as much.
            try db.execute(sql: "DROP TRIGGER IF EXISTS customer_trait_search_update")
        }
        migrator.registerMigration("v6-segments") { db in
            // Saved segments (the definition in its canonical text form) and their recorded
            // membership: a bitset over store customer ids (bit i of byte i/8), with a generation
            // counter that names each recording's Segment Entered/Exited events, and the member
            // count at the last recording of each day (the size trend). Times in ms since 1970 UTC.
            try db.execute(
                sql: """
                    CREATE TABLE segment (
                      id INTEGER PRIMARY KEY,
                      name TEXT NOT NULL UNIQUE,
                      definition TEXT NOT NULL,
                      description TEXT NOT NULL DEFAULT '',
                      created_by TEXT NOT NULL,
                      created_at INTEGER NOT NULL,
                      updated_by TEXT NOT NULL,
                      updated_at INTEGER NOT NULL
                    );
                    CREATE TABLE segment_membership (
                      segment_id INTEGER PRIMARY KEY,
                      members BLOB NOT NULL,
                      member_count INTEGER NOT NULL,
                      as_of INTEGER NOT NULL,
                      evaluated_at INTEGER NOT NULL,
                      generation INTEGER NOT NULL
                    );
                    CREATE TABLE segment_size (
                      segment_id INTEGER NOT NULL,
                      day INTEGER NOT NULL,
                      members INTEGER NOT NULL,
                      PRIMARY KEY(segment_id, day)
                    ) WITHOUT ROWID;
                    """)
        }
        migrator.registerMigration("v7-journeys") { db in
            // Journeys (each saved document a version), customers' places in them (one row per
            // entry, unique per triggering event's message id, so an entry happens once), the
            // count of each step's runs, the cursor of the events the scheduler has read, and the
            // outbox: messages committed with the step that sent them, unique by idempotency key;
            // and the channels customers unsubscribed from by `Unsubscribed` events ('*' for all
            // marketing), filled from the events already stored once when the store opens.
            // Times in ms since 1970 UTC; `arm` 0 treatment, 1 the journey's holdout, 2 the
            // global control group.
            try db.execute(
                sql: """
                    CREATE TABLE journey (
                      id INTEGER PRIMARY KEY,
                      name TEXT NOT NULL UNIQUE,
                      status TEXT NOT NULL,
                      version INTEGER NOT NULL,
                      group_name TEXT,
                      start_sequence INTEGER NOT NULL,
                      created_by TEXT NOT NULL,
                      created_at INTEGER NOT NULL,
                      updated_by TEXT NOT NULL,
                      updated_at INTEGER NOT NULL
                    );
                    CREATE TABLE journey_version (
                      journey_id INTEGER NOT NULL,
                      version INTEGER NOT NULL,
                      document TEXT NOT NULL,
                      created_by TEXT NOT NULL,
                      created_at INTEGER NOT NULL,
                      PRIMARY KEY(journey_id, version)
                    ) WITHOUT ROWID;
                    CREATE TABLE journey_enrolment (
                      id INTEGER PRIMARY KEY,
                      journey_id INTEGER NOT NULL,
                      version INTEGER NOT NULL,
                      customer_id INTEGER NOT NULL,
                      trigger_message TEXT NOT NULL,
                      trigger_sequence INTEGER NOT NULL,
                      trigger TEXT NOT NULL,
                      entered_at INTEGER NOT NULL,
                      arm INTEGER NOT NULL,
                      state TEXT NOT NULL,
                      step INTEGER NOT NULL,
                      steps_taken INTEGER NOT NULL,
                      wait_started_at INTEGER,
                      wake_at INTEGER NOT NULL,
                      event_arrived INTEGER NOT NULL DEFAULT 0,
                      goal_deadline INTEGER,
                      converted_at INTEGER,
                      ended_at INTEGER,
                      UNIQUE(journey_id, trigger_message)
                    );
                    CREATE INDEX journey_enrolment_due ON journey_enrolment(wake_at) WHERE state = 'active';
                    CREATE INDEX journey_enrolment_customer ON journey_enrolment(customer_id, journey_id);
                    CREATE TABLE journey_step_count (
                      journey_id INTEGER NOT NULL,
                      step TEXT NOT NULL,
                      arm INTEGER NOT NULL,
                      runs INTEGER NOT NULL,
                      PRIMARY KEY(journey_id, step, arm)
                    ) WITHOUT ROWID;
                    CREATE TABLE journey_cursor (
                      id INTEGER PRIMARY KEY CHECK (id = 1),
                      next_sequence INTEGER NOT NULL
                    );
                    CREATE TABLE outbox (
                      id INTEGER PRIMARY KEY,
                      idempotency_key TEXT NOT NULL UNIQUE,
                      channel TEXT NOT NULL,
                      url TEXT,
                      customer_id INTEGER NOT NULL,
                      journey_id INTEGER,
                      enrolment_id INTEGER,
                      step TEXT,
                      topic TEXT NOT NULL,
                      transactional INTEGER NOT NULL,
                      payload TEXT NOT NULL,
                      state TEXT NOT NULL,
                      created_at INTEGER NOT NULL,
                      due_at INTEGER NOT NULL,
                      attempts INTEGER NOT NULL DEFAULT 0,
                      last_error TEXT,
                      done_at INTEGER
                    );
                    CREATE INDEX outbox_pending ON outbox(due_at, id) WHERE state = 'pending';
                    CREATE INDEX outbox_journey ON outbox(journey_id, state);
                    CREATE TABLE customer_opt_out (
                      customer_id INTEGER NOT NULL,
                      channel TEXT NOT NULL,
                      at INTEGER NOT NULL,
                      PRIMARY KEY(customer_id, channel)
                    ) WITHOUT ROWID;
                    INSERT INTO store_task (name) VALUES ('backfill-opt-outs');
                    """)
        }
        migrator.registerMigration("v8-promo-codes") { db in
            // Promo codes: uploaded into a pool (pool set, issued_at NULL until given) or generated
            // when given (pool NULL). `lookup` is the code trimmed and upper-cased, unique, so a
            // coupon matches case-insensitively and no code exists twice. A given code is unique
            // per (enrolment, sequence): a retried step commit finds it instead of giving another.
            // A redemption is the first `Order Completed` whose coupon is the code: its time, the
            // event's message id and customer, whether it came after expiry and whether by a
            // customer other than the code's. `promo_code_shortfall` records a step that gave no
            // code (its pool had none left), once per (enrolment, sequence). Times in ms since 1970 UTC.
            try db.execute(
                sql: """
                    CREATE TABLE promo_pool (
                      id INTEGER PRIMARY KEY,
                      name TEXT NOT NULL UNIQUE,
                      created_at INTEGER NOT NULL
                    );
                    CREATE TABLE promo_code (
                      id INTEGER PRIMARY KEY,
                      code TEXT NOT NULL UNIQUE,
                      lookup TEXT NOT NULL UNIQUE,
                      pool TEXT,
                      uploaded_at INTEGER,
                      journey_id INTEGER,
                      enrolment_id INTEGER,
                      sequence INTEGER,
                      step TEXT,
                      customer_id INTEGER,
                      offer TEXT,
                      issued_at INTEGER,
                      expires_at INTEGER,
                      redeemed_at INTEGER,
                      redeemed_by TEXT,
                      redeemed_by_customer INTEGER,
                      redeemed_expired INTEGER NOT NULL DEFAULT 0,
                      redeemed_by_other INTEGER NOT NULL DEFAULT 0
                    );
                    CREATE UNIQUE INDEX promo_code_issue ON promo_code(enrolment_id, sequence) WHERE enrolment_id IS NOT NULL;
                    CREATE INDEX promo_code_unused ON promo_code(pool, id) WHERE issued_at IS NULL;
                    CREATE INDEX promo_code_pool ON promo_code(pool);
                    CREATE INDEX promo_code_journey ON promo_code(journey_id) WHERE journey_id IS NOT NULL;
                    CREATE INDEX promo_code_outstanding ON promo_code(lookup) WHERE issued_at IS NOT NULL AND redeemed_at IS NULL;
                    CREATE TABLE promo_code_shortfall (
                      enrolment_id INTEGER NOT NULL,
                      sequence INTEGER NOT NULL,
                      journey_id INTEGER NOT NULL,
                      step TEXT NOT NULL,
                      pool TEXT,
                      at INTEGER NOT NULL,
                      PRIMARY KEY(enrolment_id, sequence)
                    ) WITHOUT ROWID;
                    CREATE INDEX promo_code_shortfall_journey ON promo_code_shortfall(journey_id);
                    """)
        }
        // v10: what frequency caps and quiet hours need from the outbox: each message's priority
        // and whether a capped one waits (else it is dropped), how often it was deferred, and
        // a customer's sent messages by time (what caps count).
        migrator.registerMigration("v10-message-policy") { db in
            try db.execute(
                sql: """
                    ALTER TABLE outbox ADD COLUMN priority INTEGER NOT NULL DEFAULT 0;
                    ALTER TABLE outbox ADD COLUMN may_defer INTEGER NOT NULL DEFAULT 1;
                    ALTER TABLE outbox ADD COLUMN deferrals INTEGER NOT NULL DEFAULT 0;
                    CREATE INDEX outbox_sent_by_customer ON outbox(customer_id, done_at) WHERE state = 'sent';
                    """)
        }
        // v11: message templates, kept as their canonical JSON documents; and the store's
        // settings, such as the key that signs unsubscribe links (made once, kept for ever).
        migrator.registerMigration("v11-templates") { db in
            try db.execute(
                sql: """
                    CREATE TABLE message_template (
                      name TEXT PRIMARY KEY,
                      document TEXT NOT NULL,
                      is_partial INTEGER NOT NULL,
                      updated_by TEXT NOT NULL,
                      updated_at INTEGER NOT NULL
                    );
                    CREATE TABLE setting (
                      name TEXT PRIMARY KEY,
                      value BLOB NOT NULL
                    );
                    """)
        }
        return migrator
    }

    /// The triggers that keep `customer_trait_search` in step with `customer` (the update one
    /// until v5, which leaves traits changes to the writer).
    static let customerTraitSearchTriggers = """
        CREATE TRIGGER customer_trait_search_insert AFTER INSERT ON customer WHEN new.traits <> '{}' BEGIN
          INSERT INTO customer_trait_search (rowid, traits) VALUES (new.id, new.traits);
        END;
        CREATE TRIGGER customer_trait_search_delete AFTER DELETE ON customer WHEN old.traits <> '{}' BEGIN
          INSERT INTO customer_trait_search (customer_trait_search, rowid, traits) VALUES ('delete', old.id, old.traits);
        END;
        CREATE TRIGGER customer_trait_search_update AFTER UPDATE OF traits ON customer BEGIN
          INSERT INTO customer_trait_search (customer_trait_search, rowid, traits)
            SELECT 'delete', old.id, old.traits WHERE old.traits <> '{}';
          INSERT INTO customer_trait_search (rowid, traits) SELECT new.id, new.traits WHERE new.traits <> '{}';
        END;
        """

    /// The unique index of `customer.user_id`.
    static let customerUserIndex = "customer_user_id"
}
