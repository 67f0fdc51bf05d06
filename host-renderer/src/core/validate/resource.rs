//! Resource handles in a command stream: only those attached to the
//! submitting context name a resource.

use crate::core::base::error::CommandError;
use crate::core::base::ids::ResId;
use crate::core::resources::table::{Resource, ResourceTable, TextureRes};
use std::collections::HashSet;

/// Resource `handle` of `resources`, if it is in `attached`.
pub fn attached<'r>(
    resources: &'r ResourceTable,
    attached: &HashSet<ResId>,
    handle: u32,
) -> Result<&'r Resource, CommandError> {
    let id = ResId(handle);
    if !attached.contains(&id) {
        return Err(CommandError::NoResource(handle));
    }
    resources.get(&id).ok_or(CommandError::NoResource(handle))
}

/// The texture of `r` (resource `handle`), if it is one.
pub fn texture(r: &Resource, handle: u32) -> Result<&TextureRes, CommandError> {
    r.texture().ok_or(CommandError::WrongResource {
        res: handle,
        what: "texture",
    })
}
