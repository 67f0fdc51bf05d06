//! Transfer commands in the stream: TRANSFER3D (to or from the resource's
//! backing), COPY_TRANSFER3D (from a staging buffer) and
//! RESOURCE_INLINE_WRITE (from the stream itself).

use super::Exec;
use crate::core::base::error::{CommandError, TransferError};
use crate::core::base::ids::ResId;
use crate::core::record::transfer::{self, SliceSource, TransferBox};
use crate::core::validate::resource::attached;
use guest_protocol::virgl::enums::TransferDirection;
use guest_protocol::virgl::{CopyTransfer3d, InlineWrite, Transfer3d};

impl Exec<'_> {
    /// TRANSFER3D.
    pub(super) fn transfer3d(&mut self, t: &Transfer3d) -> Result<(), CommandError> {
        tracing::trace!("transfer3d {t:?}");
        let tb = TransferBox {
            level: t.level,
            region: t.region,
            stride: t.stride,
            layer_stride: t.layer_stride,
            offset: u64::from(t.offset),
        };
        match t.direction {
            TransferDirection::TO_HOST => self.transfer_in(t.res, &tb, None),
            TransferDirection::FROM_HOST => self.transfer_out(t.res, &tb),
            d => Err(CommandError::OutOfRange {
                what: "transfer direction",
                value: u64::from(d.0),
            }),
        }
    }

    /// COPY_TRANSFER3D (to the host only).
    pub(super) fn copy_transfer3d(&mut self, t: &CopyTransfer3d) -> Result<(), CommandError> {
        if t.flags.read_from_host() {
            return Err(CommandError::Unsupported("COPY_TRANSFER3D from host"));
        }
        let staging = self.resource(t.src_res)?;
        let data = staging
            .buffer()
            .ok_or(CommandError::WrongResource {
                res: t.src_res,
                what: "staging buffer",
            })?
            .shadow
            .clone();
        let tb = TransferBox {
            level: t.level,
            region: t.region,
            stride: t.stride,
            layer_stride: t.layer_stride,
            offset: u64::from(t.src_offset),
        };
        self.transfer_in(t.res, &tb, Some(&data))
    }

    /// RESOURCE_INLINE_WRITE.
    pub(super) fn inline_write(&mut self, w: &InlineWrite<'_>) -> Result<(), CommandError> {
        let tb = TransferBox {
            level: w.level,
            region: w.region,
            stride: w.stride,
            layer_stride: w.layer_stride,
            offset: 0,
        };
        self.transfer_in(w.res, &tb, Some(w.data.as_bytes()))
    }

    /// Guest memory → resource: from `data` (inline, staging) or the backing.
    fn transfer_in(
        &mut self,
        res: u32,
        t: &TransferBox,
        data: Option<&[u8]>,
    ) -> Result<(), CommandError> {
        self.resource(res)?;
        let id = ResId(res);
        let (gpu, work, depth) = (self.gpu, &mut *self.work, &mut self.caches.depth);
        let r = self
            .resources
            .get_mut(&id)
            .ok_or(CommandError::NoResource(res))?;
        let backing = r.backing.clone();
        match data {
            Some(bytes) => transfer::upload(gpu, work, depth, id, r, t, &SliceSource(bytes))?,
            None => {
                let b = backing.ok_or(TransferError::NoBacking(id))?;
                transfer::upload(gpu, work, depth, id, r, t, b.as_ref())?;
            }
        }
        Ok(())
    }

    /// Resource → its backing.
    fn transfer_out(&mut self, res: u32, t: &TransferBox) -> Result<(), CommandError> {
        // The table itself (not `self.resource`): `self.work` is borrowed too.
        let r = attached(self.resources, &self.ctx.resources, res)?;
        let id = ResId(res);
        let b = r.backing.clone().ok_or(TransferError::NoBacking(id))?;
        transfer::download(self.gpu, self.work, id, r, t, b.as_ref())?;
        Ok(())
    }
}
