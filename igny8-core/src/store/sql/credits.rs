//! The credit ledger, reservations and usage log on SQL.

use chrono::{DateTime, Utc};
use sea_query::{Cond, Expr, ExprTrait, Order, Query, SelectStatement};

use crate::jobs::JobStatus;

use super::db::{DbRow, FromDbRow, Tx};
use super::list::SortSpec;
use super::{Entity, SqlStore, T};
use crate::credits::*;
use crate::error::{Error, Result};
use crate::ids::*;
use crate::list::{CursorValue, Page, PageRequest};
use crate::store::CreditStore;
use crate::tenancy::Scope;

/// How many times a credit operation is retried after a deadlock or busy database.
const RETRIES: usize = 8;

fn reference(r: &DbRow<'_>) -> Result<Option<Reference>> {
    let kind: Option<String> = r.get("reference_type")?;
    let id: Option<i64> = r.get("reference_id")?;
    Ok(kind.zip(id).map(|(kind, id)| Reference { kind, id }))
}

row!(CreditTransaction: TransactionId in Transactions {
    id, account_id, kind, amount, balance_after, reason, operation,
    reference: (reference, "reference_type", "reference_id"),
    reservation_id, idempotency_key, created_at,
});

row!(Reservation: ReservationId in Reservations {
    id, account_id, amount, charged, status, operation,
    reference: (reference, "reference_type", "reference_id"),
    idempotency_key, created_at, settled_at,
});

row!(UsageLog: UsageId in Usage {
    id, account_id, job_id, operation, provider, model, input_tokens, output_tokens, images,
    cost_micros, credits, object: (object, "object_type", "object_id"), created_at,
});

fn object(r: &DbRow<'_>) -> Result<Option<Reference>> {
    let kind: Option<String> = r.get("object_type")?;
    let id: Option<i64> = r.get("object_id")?;
    Ok(kind.zip(id).map(|(kind, id)| Reference { kind, id }))
}

impl FromDbRow for UsageSummaryRow {
    fn from_row(r: &DbRow<'_>) -> Result<Self> {
        let day: i64 = r.get("day")?;
        Ok(UsageSummaryRow {
            day: DateTime::<Utc>::from_timestamp(day * 86_400, 0)
                .unwrap_or_default()
                .date_naive(),
            operation: r.get("operation")?,
            calls: r.get("calls")?,
            input_tokens: r.get("input_tokens")?,
            output_tokens: r.get("output_tokens")?,
            cost_micros: r.get("cost_micros")?,
            credits: r.get("credits")?,
        })
    }
}

fn time_range(q: &mut SelectStatement, since: Option<DateTime<Utc>>, until: Option<DateTime<Utc>>) {
    if let Some(t) = since {
        q.and_where(Expr::col("created_at").gte(t.timestamp_millis()));
    }
    if let Some(t) = until {
        q.and_where(Expr::col("created_at").lt(t.timestamp_millis()));
    }
}

/// Runs `op` again while the database reports a deadlock or a busy lock.
macro_rules! retrying {
    ($op:expr) => {{
        let mut attempt = 0;
        loop {
            match $op.await {
                Err(e) if e.is_retryable() && attempt < RETRIES => {
                    attempt += 1;
                    tokio::time::sleep(std::time::Duration::from_millis(5 << attempt.min(6))).await;
                }
                other => break other,
            }
        }
    }};
}

impl SqlStore {
    async fn transaction_by_key(
        &self,
        tx: &mut Tx,
        account: AccountId,
        key: &str,
    ) -> Result<Option<CreditTransaction>> {
        let t = self.t(T::Transactions);
        let q = Query::select()
            .columns(CreditTransaction::COLUMNS.iter().map(|c| (t.clone(), *c)))
            .from(t)
            .and_where(Expr::col("account_id").eq(account.get()))
            .and_where(Expr::col("idempotency_key").eq(key))
            .to_owned();
        tx.optional(&q).await
    }

    async fn reservation_where(
        &self,
        tx: &mut Tx,
        account: AccountId,
        cond: sea_query::SimpleExpr,
    ) -> Result<Option<Reservation>> {
        let t = self.t(T::Reservations);
        let q = Query::select()
            .columns(Reservation::COLUMNS.iter().map(|c| (t.clone(), *c)))
            .from(t)
            .and_where(Expr::col("account_id").eq(account.get()))
            .and_where(cond)
            .to_owned();
        tx.optional(&q).await
    }

    async fn post_once(&self, scope: &Scope, e: &LedgerEntry) -> Result<CreditTransaction> {
        let account = scope.account();
        let mut tx = self.db.begin().await?;
        self.lock_account(&mut tx, account).await?;
        if let Some(key) = &e.idempotency_key
            && let Some(done) = self.transaction_by_key(&mut tx, account, key).await?
        {
            return Ok(done);
        }
        let id = self
            .post_in_tx(
                &mut tx,
                account,
                e.kind,
                e.amount,
                &e.reason,
                None,
                e.reference.as_ref(),
                None,
                e.idempotency_key.as_deref(),
            )
            .await?;
        tx.commit().await?;
        self.fetch_scoped(scope, id.get()).await
    }

    async fn reserve_once(&self, scope: &Scope, r: &ReserveRequest) -> Result<Reservation> {
        let account = scope.account();
        let now = self.now_ms();
        let mut tx = self.db.begin().await?;
        self.lock_account(&mut tx, account).await?;
        if let Some(key) = &r.idempotency_key
            && let Some(done) = self
                .reservation_where(
                    &mut tx,
                    account,
                    Expr::col("idempotency_key").eq(key.clone()),
                )
                .await?
        {
            if done.amount != r.amount {
                return Err(Error::Conflict(format!(
                    "idempotency key {key:?} was used for a reservation of {} credits, not {}",
                    done.amount, r.amount
                )));
            }
            return Ok(done);
        }
        let insert = Query::insert()
            .into_table(self.t(T::Reservations))
            .columns([
                "account_id",
                "amount",
                "status",
                "operation",
                "reference_type",
                "reference_id",
                "idempotency_key",
                "created_at",
            ])
            .values_panic([
                account.get().into(),
                r.amount.into(),
                ReservationStatus::Held.as_str().into(),
                r.operation.clone().into(),
                r.reference.as_ref().map(|x| x.kind.clone()).into(),
                r.reference.as_ref().map(|x| x.id).into(),
                r.idempotency_key.clone().into(),
                now.into(),
            ])
            .to_owned();
        let id = ReservationId(tx.insert(&insert).await?);
        let reason = match &r.reference {
            Some(x) => format!(
                "Held for {} ({} {})",
                crate::credits::operation_label(&r.operation),
                x.kind,
                x.id
            ),
            None => format!("Held for {}", crate::credits::operation_label(&r.operation)),
        };
        self.post_in_tx(
            &mut tx,
            account,
            TransactionKind::Hold,
            -r.amount,
            &reason,
            Some(&r.operation),
            r.reference.as_ref(),
            Some(id),
            None,
        )
        .await?;
        let reservation = self
            .reservation_where(&mut tx, account, Expr::col("id").eq(id.get()))
            .await?
            .ok_or_else(|| id.not_found())?;
        tx.commit().await?;
        Ok(reservation)
    }

    /// Settles a held reservation: keeps `used` credits (None: release everything).
    async fn settle_once(
        &self,
        scope: &Scope,
        id: ReservationId,
        used: Option<i64>,
    ) -> Result<Reservation> {
        let account = scope.account();
        let now = self.now_ms();
        let mut tx = self.db.begin().await?;
        self.lock_account(&mut tx, account).await?;
        let current = self
            .reservation_where(&mut tx, account, Expr::col("id").eq(id.get()))
            .await?
            .ok_or_else(|| id.not_found())?;
        let wanted = if used.is_some() {
            ReservationStatus::Charged
        } else {
            ReservationStatus::Released
        };
        match current.status {
            ReservationStatus::Held => {}
            s if s == wanted => return Ok(current),
            s => {
                return Err(Error::Conflict(format!(
                    "reservation {id} is already {s}; it can't be {wanted}"
                )));
            }
        }
        if let Some(used) = used
            && !(0..=current.amount).contains(&used)
        {
            return Err(Error::field(
                "used",
                format!("must be between 0 and the {} credits held", current.amount),
            ));
        }
        // The conditional update makes settling happen once, however many workers try.
        let settle = Query::update()
            .table(self.t(T::Reservations))
            .value("status", wanted.as_str())
            .value("charged", used)
            .value("settled_at", now)
            .and_where(Expr::col("id").eq(id.get()))
            .and_where(Expr::col("account_id").eq(account.get()))
            .and_where(Expr::col("status").eq(ReservationStatus::Held.as_str()))
            .to_owned();
        if tx.execute(&settle).await? == 0 {
            drop(tx);
            return self.get_reservation(scope, id).await;
        }
        let give_back = current.amount - used.unwrap_or(0);
        if give_back > 0 {
            let reason = if used.is_some() {
                format!(
                    "Given back: the unused part held for {}",
                    crate::credits::operation_label(&current.operation)
                )
            } else {
                format!(
                    "Given back: the credits held for {}",
                    crate::credits::operation_label(&current.operation)
                )
            };
            self.post_in_tx(
                &mut tx,
                account,
                TransactionKind::Release,
                give_back,
                &reason,
                Some(&current.operation),
                current.reference.as_ref(),
                Some(id),
                None,
            )
            .await?;
        }
        let done = self
            .reservation_where(&mut tx, account, Expr::col("id").eq(id.get()))
            .await?
            .ok_or_else(|| id.not_found())?;
        tx.commit().await?;
        Ok(done)
    }

    /// The race of two callers with the same idempotency key: the loser hits the unique index
    /// and finds the winner's row.
    fn is_duplicate_key(e: &Error) -> bool {
        matches!(e, Error::Duplicate(_))
    }
}

impl CreditStore for SqlStore {
    async fn credit_balance(&self, scope: &Scope) -> Result<i64> {
        let q = Query::select()
            .column("credits")
            .from(self.t(T::Accounts))
            .and_where(Expr::col("id").eq(scope.account().get()))
            .to_owned();
        let credits: Option<i64> = self.db.conn().await?.optional(&q).await?;
        credits.ok_or_else(|| scope.account().not_found())
    }

    async fn ledger_sum(&self, scope: &Scope) -> Result<i64> {
        let t = format!("{}credit_transactions", self.prefix());
        let q = Query::select()
            .expr(Expr::cust(format!(
                "CAST(COALESCE(SUM({t}.amount), 0) AS {})",
                self.int_type()
            )))
            .from(self.t(T::Transactions))
            .and_where(Expr::col("account_id").eq(scope.account().get()))
            .to_owned();
        self.db.conn().await?.one(&q).await
    }

    async fn post_credits(&self, scope: &Scope, entry: &LedgerEntry) -> Result<CreditTransaction> {
        match retrying!(self.post_once(scope, entry)) {
            Err(e) if Self::is_duplicate_key(&e) && entry.idempotency_key.is_some() => {
                self.post_once(scope, entry).await
            }
            other => other,
        }
    }

    async fn reserve_credits(
        &self,
        scope: &Scope,
        request: &ReserveRequest,
    ) -> Result<Reservation> {
        match retrying!(self.reserve_once(scope, request)) {
            Err(e) if Self::is_duplicate_key(&e) && request.idempotency_key.is_some() => {
                self.reserve_once(scope, request).await
            }
            other => other,
        }
    }

    async fn charge_reservation(
        &self,
        scope: &Scope,
        id: ReservationId,
        used: i64,
    ) -> Result<Reservation> {
        retrying!(self.settle_once(scope, id, Some(used)))
    }

    async fn release_reservation(&self, scope: &Scope, id: ReservationId) -> Result<Reservation> {
        retrying!(self.settle_once(scope, id, None))
    }

    async fn get_reservation(&self, scope: &Scope, id: ReservationId) -> Result<Reservation> {
        self.fetch_scoped(scope, id.get()).await
    }

    async fn abandoned_job_holds(&self, limit: u64) -> Result<Vec<Reservation>> {
        let r = self.t(T::Reservations);
        let j = self.t(T::Jobs);
        let q = Query::select()
            .columns(Reservation::COLUMNS.iter().map(|c| (r.clone(), *c)))
            .from(r.clone())
            .inner_join(
                j.clone(),
                Cond::all()
                    .add(Expr::col((j.clone(), "id")).equals((r.clone(), "reference_id")))
                    .add(Expr::col((j.clone(), "account_id")).equals((r.clone(), "account_id"))),
            )
            .and_where(Expr::col((r.clone(), "status")).eq(ReservationStatus::Held.as_str()))
            .and_where(Expr::col((r.clone(), "reference_type")).eq("job"))
            .and_where(Expr::col((j.clone(), "status")).is_in([
                JobStatus::Succeeded.as_str(),
                JobStatus::Failed.as_str(),
                JobStatus::Cancelled.as_str(),
            ]))
            .order_by((r, "id"), Order::Asc)
            .limit(limit)
            .to_owned();
        self.db.conn().await?.all(&q).await
    }

    async fn list_transactions(
        &self,
        scope: &Scope,
        f: &TransactionFilter,
        page: &PageRequest,
    ) -> Result<Page<CreditTransaction>> {
        let mut q = self.scoped::<CreditTransaction>(scope);
        if let Some(kind) = f.kind {
            q.and_where(Expr::col("kind").eq(kind.as_str()));
        }
        if let Some(op) = &f.operation {
            q.and_where(Expr::col("operation").eq(op.clone()));
        }
        time_range(&mut q, f.since, f.until);
        let spec = SortSpec::new(
            "id",
            true,
            |t: &CreditTransaction| CursorValue::Int(t.id.get()),
            |t| t.id.get(),
        );
        self.list_page(q, self.t(T::Transactions), &spec, page)
            .await
    }

    async fn record_usage(&self, scope: &Scope, u: &NewUsage) -> Result<UsageLog> {
        let id = self
            .insert_row(
                T::Usage,
                vec![
                    ("account_id", scope.account().get().into()),
                    ("job_id", u.job_id.map(|j| j.get()).into()),
                    ("operation", u.operation.clone().into()),
                    ("provider", u.provider.clone().into()),
                    ("model", u.model.clone().into()),
                    ("input_tokens", u.input_tokens.into()),
                    ("output_tokens", u.output_tokens.into()),
                    ("images", u.images.into()),
                    ("cost_micros", u.cost_micros.into()),
                    ("credits", u.credits.into()),
                    (
                        "object_type",
                        u.object.as_ref().map(|o| o.kind.clone()).into(),
                    ),
                    ("object_id", u.object.as_ref().map(|o| o.id).into()),
                    ("created_at", self.now_ms().into()),
                ],
                "this usage entry",
            )
            .await?;
        self.fetch_scoped(scope, id).await
    }

    async fn list_usage(
        &self,
        scope: &Scope,
        f: &UsageFilter,
        page: &PageRequest,
    ) -> Result<Page<UsageLog>> {
        let mut q = self.scoped::<UsageLog>(scope);
        usage_filter(&mut q, f);
        let spec = SortSpec::new(
            "id",
            true,
            |u: &UsageLog| CursorValue::Int(u.id.get()),
            |u| u.id.get(),
        );
        self.list_page(q, self.t(T::Usage), &spec, page).await
    }

    async fn usage_summary(&self, scope: &Scope, f: &UsageFilter) -> Result<Vec<UsageSummaryRow>> {
        let int = self.int_type();
        let sum = |c: &str| Expr::cust(format!("CAST(SUM({c}) AS {int})"));
        let div = if self.backend() == super::db::Backend::MySql {
            "DIV"
        } else {
            "/"
        };
        let day = Expr::cust(format!("CAST(created_at {div} 86400000 AS {int})"));
        let mut q = Query::select();
        q.expr_as(day.clone(), "day")
            .column("operation")
            .expr_as(Expr::cust("COUNT(*)"), "calls")
            .expr_as(sum("input_tokens"), "input_tokens")
            .expr_as(sum("output_tokens"), "output_tokens")
            .expr_as(sum("cost_micros"), "cost_micros")
            .expr_as(sum("credits"), "credits")
            .from(self.t(T::Usage))
            .and_where(Expr::col("account_id").eq(scope.account().get()))
            .group_by_col("operation")
            .add_group_by([day])
            .order_by_expr(Expr::cust("1"), sea_query::Order::Asc)
            .order_by("operation", sea_query::Order::Asc);
        usage_filter(&mut q, f);
        self.db.conn().await?.all(&q).await
    }
}

fn usage_filter(q: &mut SelectStatement, f: &UsageFilter) {
    if let Some(op) = &f.operation {
        q.and_where(Expr::col("operation").eq(op.clone()));
    }
    if let Some(model) = &f.model {
        q.and_where(Expr::col("model").eq(model.clone()));
    }
    if let Some(job) = f.job_id {
        q.and_where(Expr::col("job_id").eq(job.get()));
    }
    time_range(q, f.since, f.until);
}
