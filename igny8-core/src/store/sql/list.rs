//! One implementation of filtered, ordered, paginated lists for every entity: numbered pages
//! (with an optional total) and keyset cursors that cost the same at any depth.

use sea_query::{
    Asterisk, Cond, ConditionalStatement, DynIden, Expr, ExprTrait, NullOrdering, Order,
    SelectStatement, SimpleExpr,
};

use super::db::Backend;
use super::{Entity, SqlStore, T};
use crate::error::Result;
use crate::ids::AccountId;
use crate::list::{Cursor, CursorValue, Page, PageRequest};

/// A value a filter compares a column with: ids as their integer, string enums as their
/// stored text, plain values as they are.
pub(crate) trait FilterValue {
    fn value(self) -> sea_query::Value;
}

macro_rules! plain_filter_values {
    ($($t:ty),*) => {$(
        impl FilterValue for $t {
            fn value(self) -> sea_query::Value {
                self.into()
            }
        }
    )*};
}
plain_filter_values!(i64, f64, bool, &str);

impl<E: crate::enums::StringEnum> FilterValue for E {
    fn value(self) -> sea_query::Value {
        self.as_str().into()
    }
}

/// `%text%` for LIKE, with LIKE's wildcards in the text escaped.
pub(crate) fn like_pattern(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('%');
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('%');
    out
}

/// A list filter's conditions on a query, one per field of the filter: a `Some` narrows the
/// rows to those whose column matches it, a `None` leaves the query as it is. The same
/// conditions narrow a `SELECT`, an `UPDATE` or a `DELETE`, so that "every row matching the
/// list's filters" means the same rows in all three.
///
/// ```ignore
/// narrow(&mut q, &t)
///     .eq("site_id", f.site_id)
///     .eq("status", f.status)
///     .any("id", &f.ids);
/// ```
pub(crate) struct Narrow<'q, Q: ConditionalStatement> {
    q: &'q mut Q,
    table: DynIden,
}

/// Starts adding a filter's conditions on columns of `table` to `q`.
pub(crate) fn narrow<'q, Q: ConditionalStatement>(q: &'q mut Q, table: &DynIden) -> Narrow<'q, Q> {
    Narrow {
        q,
        table: table.clone(),
    }
}

impl<Q: ConditionalStatement> Narrow<'_, Q> {
    fn col(&self, column: &'static str) -> Expr {
        Expr::col((self.table.clone(), column))
    }

    /// Rows whose `column` equals the value.
    pub(crate) fn eq(self, column: &'static str, value: Option<impl FilterValue>) -> Self {
        if let Some(v) = value {
            let cond = self.col(column).eq(v.value());
            self.q.and_where(cond);
        }
        self
    }

    /// Rows whose `column` is at least the value.
    pub(crate) fn at_least(self, column: &'static str, value: Option<impl FilterValue>) -> Self {
        if let Some(v) = value {
            let cond = self.col(column).gte(v.value());
            self.q.and_where(cond);
        }
        self
    }

    /// Rows whose `column` is at most the value.
    pub(crate) fn at_most(self, column: &'static str, value: Option<impl FilterValue>) -> Self {
        if let Some(v) = value {
            let cond = self.col(column).lte(v.value());
            self.q.and_where(cond);
        }
        self
    }

    /// Rows where `column` is set (`Some(true)`) or not set (`Some(false)`).
    pub(crate) fn present(self, column: &'static str, present: Option<bool>) -> Self {
        match present {
            Some(true) => {
                let cond = self.col(column).is_not_null();
                self.q.and_where(cond);
            }
            Some(false) => {
                let cond = self.col(column).is_null();
                self.q.and_where(cond);
            }
            None => {}
        }
        self
    }

    /// Rows whose `column`, lower-cased, contains the search text as keywords are normalised
    /// (an empty search matches everything).
    pub(crate) fn contains(self, column: &'static str, search: &Option<String>) -> Self {
        let lowered = sea_query::Func::lower(self.col(column));
        self.like(lowered.into(), search)
    }

    /// Rows whose `column`, which holds normalised text already, contains the search text.
    pub(crate) fn normalized_contains(self, column: &'static str, search: &Option<String>) -> Self {
        let column = self.col(column);
        self.like(column, search)
    }

    fn like(self, expr: Expr, search: &Option<String>) -> Self {
        if let Some(text) = search
            .as_deref()
            .map(crate::planner::normalize_keyword)
            .filter(|s| !s.is_empty())
        {
            let pattern = sea_query::LikeExpr::new(like_pattern(&text)).escape('\\');
            self.q.and_where(expr.like(pattern));
        }
        self
    }

    /// Rows whose `column` is one of the values.
    pub(crate) fn any<V: FilterValue + Copy>(
        self,
        column: &'static str,
        values: &Option<Vec<V>>,
    ) -> Self {
        if let Some(values) = values {
            let cond = self.col(column).is_in(values.iter().map(|v| v.value()));
            self.q.and_where(cond);
        }
        self
    }
}

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
