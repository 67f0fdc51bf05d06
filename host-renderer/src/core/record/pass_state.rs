//! What an open render pass has bound, so that a draw sets only the state
//! that differs from the previous draw's.
//!
//! wgpu-core passes every `set_*` call on to the driver, and lavapipe
//! re-validates its llvmpipe state for each (measured: a draw of the
//! synthetic benchmark spent more in lavapipe's state emission than in
//! pv3d). WebGPU keeps pipelines, bind groups, vertex and index buffers and
//! the dynamic state bound for the rest of a pass, so skipping a call that
//! would bind what is bound changes nothing.

/// The state bound in one render pass (a new pass starts with none).
#[derive(Default)]
pub struct PassState {
    pipeline: Option<wgpu::RenderPipeline>,
    groups: Vec<Option<(wgpu::BindGroup, Vec<u32>)>>,
    vertex: Vec<Option<(wgpu::Buffer, u64)>>,
    index: Option<(wgpu::Buffer, u64, wgpu::IndexFormat)>,
    viewport: Option<[f32; 6]>,
    scissor: Option<[u32; 4]>,
    stencil_ref: Option<u32>,
    blend: Option<[f64; 4]>,
}

/// Binds `value` through `set` unless `slot` holds it already.
fn update<T: PartialEq>(slot: &mut Option<T>, value: T, set: impl FnOnce(&T)) {
    if slot.as_ref() != Some(&value) {
        set(&value);
        *slot = Some(value);
    }
}

/// The entry `i` of `list`, grown with empty entries as needed.
fn entry<T>(list: &mut Vec<Option<T>>, i: usize) -> Option<&mut Option<T>> {
    if list.len() <= i {
        list.resize_with(i + 1, || None);
    }
    list.get_mut(i)
}

impl PassState {
    /// Sets the pipeline.
    pub fn pipeline(&mut self, pass: &mut wgpu::RenderPass<'static>, p: &wgpu::RenderPipeline) {
        if self.pipeline.as_ref() != Some(p) {
            pass.set_pipeline(p);
            self.pipeline = Some(p.clone());
        }
    }

    /// Sets bind group `i` with dynamic `offsets`.
    pub fn bind_group(
        &mut self,
        pass: &mut wgpu::RenderPass<'static>,
        i: u32,
        group: &wgpu::BindGroup,
        offsets: &[u32],
    ) {
        let slot = entry(&mut self.groups, i as usize);
        if slot
            .as_ref()
            .is_some_and(|s| s.as_ref().is_some_and(|(g, o)| g == group && o == offsets))
        {
            return;
        }
        pass.set_bind_group(i, group, offsets);
        if let Some(slot) = slot {
            *slot = Some((group.clone(), offsets.to_vec()));
        }
    }

    /// Sets vertex buffer slot `i` to `buffer` from `offset`.
    pub fn vertex_buffer(
        &mut self,
        pass: &mut wgpu::RenderPass<'static>,
        i: u32,
        buffer: &wgpu::Buffer,
        offset: u64,
    ) {
        let slot = entry(&mut self.vertex, i as usize);
        if slot
            .as_ref()
            .is_some_and(|s| s.as_ref().is_some_and(|(b, o)| b == buffer && *o == offset))
        {
            return;
        }
        pass.set_vertex_buffer(i, buffer.slice(offset..));
        if let Some(slot) = slot {
            *slot = Some((buffer.clone(), offset));
        }
    }

    /// Sets the index buffer.
    pub fn index_buffer(
        &mut self,
        pass: &mut wgpu::RenderPass<'static>,
        buffer: &wgpu::Buffer,
        offset: u64,
        format: wgpu::IndexFormat,
    ) {
        if self
            .index
            .as_ref()
            .is_some_and(|(b, o, f)| b == buffer && *o == offset && *f == format)
        {
            return;
        }
        pass.set_index_buffer(buffer.slice(offset..), format);
        self.index = Some((buffer.clone(), offset, format));
    }

    /// Sets the viewport, `[x, y, w, h, near, far]`.
    pub fn viewport(&mut self, pass: &mut wgpu::RenderPass<'static>, v: [f32; 6]) {
        update(&mut self.viewport, v, |&[x, y, w, h, near, far]| {
            pass.set_viewport(x, y, w, h, near, far)
        });
    }

    /// Sets the scissor rectangle, `[x, y, w, h]`.
    pub fn scissor(&mut self, pass: &mut wgpu::RenderPass<'static>, s: [u32; 4]) {
        update(&mut self.scissor, s, |&[x, y, w, h]| {
            pass.set_scissor_rect(x, y, w, h)
        });
    }

    /// Sets the stencil reference.
    pub fn stencil_ref(&mut self, pass: &mut wgpu::RenderPass<'static>, r: u32) {
        update(&mut self.stencil_ref, r, |&r| pass.set_stencil_reference(r));
    }

    /// Sets the blend constant, `[r, g, b, a]`.
    pub fn blend_constant(&mut self, pass: &mut wgpu::RenderPass<'static>, c: [f64; 4]) {
        update(&mut self.blend, c, |&[r, g, b, a]| {
            pass.set_blend_constant(wgpu::Color { r, g, b, a })
        });
    }
}
