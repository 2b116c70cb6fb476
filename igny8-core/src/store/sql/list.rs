//! One implementation of filtered, ordered, paginated lists for every entity: numbered pages
//! (with an optional total) and keyset cursors that cost the same at any depth.

use sea_query::{
    Asterisk, Cond, DynIden, Expr, ExprTrait, NullOrdering, Order, SelectStatement, SimpleExpr,
};

use super::db::Backend;
use super::{Entity, SqlStore, T};
use crate::error::Result;
use crate::ids::AccountId;
use crate::list::{Cursor, CursorValue, Page, PageRequest};

/// How a list is ordered: a column (then `id` to break ties) and how to read a row's key.
pub(crate) struct SortSpec<E> {
    pub(crate) column: &'static str,
    pub(crate) descending: bool,
    /// `NULL` sorts as the smallest value on every backend.
    pub(crate) nullable: bool,
    /// The ordering's public name, e.g. `-volume`; cursors carry it.
    pub(crate) key: String,
    pub(crate) value: fn(&E) -> CursorValue,
    pub(crate) id: fn(&E) -> i64,
}

impl<E> SortSpec<E> {
    pub(crate) fn new(
        column: &'static str,
        descending: bool,
        value: fn(&E) -> CursorValue,
        id: fn(&E) -> i64,
    ) -> Self {
        Self {
            column,
            descending,
            nullable: false,
            key: format!("{}{column}", if descending { "-" } else { "" }),
            value,
            id,
        }
    }

    pub(crate) fn nullable(mut self) -> Self {
        self.nullable = true;
        self
    }
}

fn value_expr(v: &CursorValue) -> SimpleExpr {
    match v {
        CursorValue::Null => Expr::cust("NULL"),
        CursorValue::Int(i) => Expr::val(*i),
        CursorValue::Float(f) => Expr::val(*f),
        CursorValue::Text(s) => Expr::val(s.clone()),
    }
}

/// How the rows after a cursor are read: one range, or — for a column that may be NULL — a
/// range of values and then the NULL rows (or the other way round), each as an index range.
/// (One query with `… OR col IS NULL` would make the database walk the index from its start.)
enum After {
    One(Cond),
    /// The first condition's rows (ordered by the column), then the second's.
    Then(Cond, Cond),
}

fn after(
    table: &DynIden,
    column: &'static str,
    desc: bool,
    nullable: bool,
    cursor: &Cursor,
) -> After {
    let col = || Expr::col((table.clone(), column));
    let id = || Expr::col((table.clone(), "id"));
    let id_after = || {
        if desc {
            id().lt(cursor.id)
        } else {
            id().gt(cursor.id)
        }
    };
    match &cursor.value {
        // NULL sorts lowest: last when descending, first when ascending.
        CursorValue::Null if desc => After::One(Cond::all().add(col().is_null()).add(id_after())),
        CursorValue::Null => After::Then(
            Cond::all().add(col().is_null()).add(id_after()),
            Cond::all().add(col().is_not_null()),
        ),
        v => {
            let v = value_expr(v);
            // `col <= v` lets every planner seek in the index; the OR settles ties by id.
            let (bound, strict) = if desc {
                (col().lte(v.clone()), col().lt(v))
            } else {
                (col().gte(v.clone()), col().gt(v))
            };
            let values = Cond::all()
                .add(bound)
                .add(Cond::any().add(strict).add(id_after()));
            if desc && nullable {
                After::Then(values, Cond::all().add(col().is_null()))
            } else {
                After::One(values)
            }
        }
    }
}

impl SqlStore {
    /// Runs a list query: `q` selects the entity's columns from `table` with the filters applied.
    pub(crate) async fn list_page<E: Entity>(
        &self,
        q: SelectStatement,
        table: DynIden,
        sort: &SortSpec<E>,
        page: &PageRequest,
    ) -> Result<Page<E>> {
        self.list_page_with(q, table, sort, page, None).await
    }

    /// [`list_page`](Self::list_page) for lists that can be long: the total is kept (see
    /// [`counts`](super::counts)) under `account`'s change counter of `entity`.
    pub(crate) async fn list_page_with<E: Entity>(
        &self,
        q: SelectStatement,
        table: DynIden,
        sort: &SortSpec<E>,
        page: &PageRequest,
        counted: Option<(AccountId, T)>,
    ) -> Result<Page<E>> {
        page.validate()?;
        let mut conn = self.db.conn().await?;
        let cursor = match &page.cursor {
            Some(token) => Some(Cursor::decode(token, &sort.key)?),
            None => None,
        };
        let total = if page.with_total {
            let mut count = q.clone();
            count.clear_selects().expr(Expr::col(Asterisk).count());
            Some(match counted {
                Some((account, entity)) => {
                    self.cached_total(&mut conn, account, entity, &count)
                        .await?
                }
                None => std::cmp::max(conn.one::<i64>(&count).await?, 0) as u64,
            })
        } else {
            None
        };
        let order = if sort.descending {
            Order::Desc
        } else {
            Order::Asc
        };
        let ordered = |mut q: SelectStatement, limit: u64| {
            if sort.column != "id" {
                if sort.nullable && self.backend() == Backend::Postgres {
                    // PostgreSQL sorts NULL as the largest value; make it the smallest, as elsewhere.
                    let nulls = if sort.descending {
                        NullOrdering::Last
                    } else {
                        NullOrdering::First
                    };
                    q.order_by_with_nulls((table.clone(), sort.column), order.clone(), nulls);
                } else {
                    q.order_by((table.clone(), sort.column), order.clone());
                }
            }
            q.order_by((table.clone(), "id"), order.clone());
            q.limit(limit);
            q
        };
        let want = page.page_size + 1;
        let mut items: Vec<E> = match cursor
            .as_ref()
            .map(|c| after(&table, sort.column, sort.descending, sort.nullable, c))
        {
            None => {
                let mut q = ordered(q, want);
                if page.offset() > 0 {
                    q.offset(page.offset());
                }
                conn.all(&q).await?
            }
            Some(After::One(cond)) => {
                let mut q = q;
                q.cond_where(cond);
                conn.all(&ordered(q, want)).await?
            }
            Some(After::Then(first, second)) => {
                let mut a = q.clone();
                a.cond_where(first);
                let mut rows: Vec<E> = conn.all(&ordered(a, want)).await?;
                if (rows.len() as u64) < want {
                    let mut b = q;
                    b.cond_where(second);
                    rows.extend(conn.all::<E>(&ordered(b, want - rows.len() as u64)).await?);
                }
                rows
            }
        };
        let more = items.len() as u64 > page.page_size;
        items.truncate(page.page_size as usize);
        let next_cursor = if more {
            items.last().map(|last| {
                Cursor {
                    sort: sort.key.clone(),
                    value: (sort.value)(last),
                    id: (sort.id)(last),
                }
                .encode()
            })
        } else {
            None
        };
        Ok(Page {
            items,
            total,
            page: if cursor.is_some() { 1 } else { page.page },
            page_size: page.page_size,
            next_cursor,
        })
    }
}
