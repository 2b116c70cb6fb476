//! Files kept for background work, on SQL: one row per file and one per part of at most
//! 1 MiB (under every backend's packet limit), read back part by part so that a worker never
//! holds more than one part in memory.

use sea_query::{Expr, ExprTrait, Query};

use super::{SqlStore, T};
use crate::error::Result;
use crate::ids::{AccountId, UploadId};
use crate::store::UploadStore;
use crate::tenancy::Scope;

impl UploadStore for SqlStore {
    async fn create_upload(&self, scope: &Scope) -> Result<UploadId> {
        let id = self
            .insert_row(
                T::Uploads,
                vec![
                    ("account_id", scope.account().get().into()),
                    ("bytes", 0i64.into()),
                    ("created_at", self.now_ms().into()),
                ],
                "file",
            )
            .await?;
        Ok(UploadId(id))
    }

    async fn append_upload(
        &self,
        scope: &Scope,
        id: UploadId,
        seq: i64,
        data: &[u8],
    ) -> Result<()> {
        let mut tx = self.db.begin().await?;
        let mut grow = Query::update();
        grow.table(self.t(T::Uploads))
            .value("bytes", Expr::col("bytes").add(data.len() as i64))
            .and_where(Expr::col("id").eq(id.get()))
            .and_where(Expr::col("account_id").eq(scope.account().get()));
        if tx.execute(&grow).await? == 0 {
            return Err(id.not_found());
        }
        let insert = Query::insert()
            .into_table(self.t(T::UploadParts))
            .columns(["upload_id", "seq", "data"])
            .values_panic([id.get().into(), seq.into(), data.to_vec().into()])
            .to_owned();
        tx.execute(&insert).await?;
        tx.commit().await
    }

    async fn upload_part(
        &self,
        account: AccountId,
        id: UploadId,
        seq: i64,
    ) -> Result<Option<Vec<u8>>> {
        let p = self.t(T::UploadParts);
        let u = self.t(T::Uploads);
        let q = Query::select()
            .column((p.clone(), "data"))
            .from(p.clone())
            .inner_join(
                u.clone(),
                Expr::col((u.clone(), "id")).equals((p.clone(), "upload_id")),
            )
            .and_where(Expr::col((u, "account_id")).eq(account.get()))
            .and_where(Expr::col((p.clone(), "upload_id")).eq(id.get()))
            .and_where(Expr::col((p, "seq")).eq(seq))
            .to_owned();
        self.db.conn().await?.optional(&q).await
    }

    async fn delete_upload(&self, account: AccountId, id: UploadId) -> Result<()> {
        let mut tx = self.db.begin().await?;
        // Parts first: SQLite enforces the cascade only when foreign keys are switched on.
        let parts = Query::delete()
            .from_table(self.t(T::UploadParts))
            .and_where(
                Expr::col("upload_id").in_subquery(
                    Query::select()
                        .column("id")
                        .from(self.t(T::Uploads))
                        .and_where(Expr::col("id").eq(id.get()))
                        .and_where(Expr::col("account_id").eq(account.get()))
                        .to_owned(),
                ),
            )
            .to_owned();
        tx.execute(&parts).await?;
        let upload = Query::delete()
            .from_table(self.t(T::Uploads))
            .and_where(Expr::col("id").eq(id.get()))
            .and_where(Expr::col("account_id").eq(account.get()))
            .to_owned();
        tx.execute(&upload).await?;
        tx.commit().await
    }
}
