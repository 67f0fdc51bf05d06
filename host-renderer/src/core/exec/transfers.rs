//! Transfer commands in the stream: TRANSFER3D (to or from the resource's
//! backing), COPY_TRANSFER3D (from a staging buffer) and
//! RESOURCE_INLINE_WRITE (from the stream itself).

use super::Exec;
use crate::core::base::error::{CommandError, TransferError};
use crate::core::base::ids::ResId;
use crate::core::record::transfer::{self, SliceSource, TransferBox};
use crate::core::resources::table::ResourceKind;
use crate::core::validate::resource::attached;
use guest_protocol::virgl::enums::TransferDirection;
use guest_protocol::virgl::{Box3, CopyTransfer3d, InlineWrite, Transfer3d};

/// Bytes of guest texels one CLEAR_TEXTURE upload writes at most.
const CLEAR_CHUNK_BYTES: u64 = 4 << 20;

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

    /// CLEAR_TEXTURE (`ARB_clear_texture`): every texel of `region` of
    /// `level` set to `texel`, the guest's packed bytes of one texel, as
    /// uploads of that texel repeated, at most [`CLEAR_CHUNK_BYTES`] at a
    /// time (converted where the host stores the format differently).
    pub(super) fn clear_texture(
        &mut self,
        res: u32,
        level: u32,
        region: &Box3,
        texel: &[u32; 4],
    ) -> Result<(), CommandError> {
        let r = self.resource(res)?;
        let ResourceKind::Texture(tex) = &r.kind else {
            return Err(CommandError::WrongResource {
                res,
                what: "texture to clear",
            });
        };
        if tex.desc.block_dims() != (1, 1) {
            return Err(CommandError::Unsupported("clearing a compressed texture"));
        }
        let (Ok(w), Ok(h), Ok(d)) = (
            u32::try_from(region.w),
            u32::try_from(region.h),
            u32::try_from(region.d),
        ) else {
            return Err(CommandError::OutOfRange {
                what: "clear box size",
                value: u64::from(region.w.min(region.h).min(region.d).unsigned_abs()),
            });
        };
        if w == 0 || h == 0 || d == 0 {
            return Ok(());
        }
        let bytes: Vec<u8> = texel.iter().flat_map(|t| t.to_le_bytes()).collect();
        let texel = bytes
            .get(..tex.desc.guest_block_bytes() as usize)
            .ok_or(CommandError::Unsupported("texels wider than 16 bytes"))?;
        let row = u64::from(w) * texel.len() as u64;
        let rows = u32::try_from((CLEAR_CHUNK_BYTES / row.max(1)).max(1)).unwrap_or(u32::MAX);
        let chunk = texel.repeat(w as usize * rows.min(h) as usize);
        let row = u32::try_from(row).map_err(|_| CommandError::OutOfRange {
            what: "clear box width",
            value: row,
        })?;
        for z in 0..d {
            for y in (0..h).step_by(rows as usize) {
                let n = rows.min(h - y);
                let t = TransferBox {
                    level,
                    region: Box3 {
                        y: region.y.saturating_add(y as i32),
                        z: region.z.saturating_add(z as i32),
                        h: n as i32,
                        d: 1,
                        ..*region
                    },
                    stride: row,
                    layer_stride: row.saturating_mul(n),
                    offset: 0,
                };
                let len = (row as usize).saturating_mul(n as usize);
                self.transfer_in(res, &t, chunk.get(..len))?;
            }
        }
        Ok(())
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
