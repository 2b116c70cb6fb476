//! The store for files kept until a background job has read them.

use std::future::Future;

use crate::error::Result;
use crate::ids::{AccountId, UploadId};
use crate::tenancy::Scope;

/// Files kept in parts for background work (see [`Keywords::import_in_background`](crate::planner::Keywords::import_in_background)).
pub trait UploadStore: Send + Sync {
    /// A new, empty file of the scope's account.
    fn create_upload(&self, scope: &Scope) -> impl Future<Output = Result<UploadId>> + Send;
    /// Adds part `seq` (0, 1, 2…) of the account's file `id`.
    fn append_upload(
        &self,
        scope: &Scope,
        id: UploadId,
        seq: i64,
        data: &[u8],
    ) -> impl Future<Output = Result<()>> + Send;
    /// Part `seq` of `account`'s file `id`, or `None` past its last part.
    fn upload_part(
        &self,
        account: AccountId,
        id: UploadId,
        seq: i64,
    ) -> impl Future<Output = Result<Option<Vec<u8>>>> + Send;
    /// Deletes `account`'s file `id` with its parts (a file already gone is fine).
    fn delete_upload(
        &self,
        account: AccountId,
        id: UploadId,
    ) -> impl Future<Output = Result<()>> + Send;
}
