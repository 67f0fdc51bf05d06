//! LAUNCH_GRID: the bound compute shader, translated with its shared
//! memory and sampler state, run as a compute pass over the grid (read
//! from a buffer's shadow for indirect launches, so every count is checked
//! against the device's limits before it reaches the GPU).
//!
//! The stage's resources use the same bind group scheme as a draw's
//! stages (`draw::stage_group`), in group `COMPUTE_GROUP` of a pipeline of
//! its own.

use super::draw::{compiled, sampler_options, stage_entries, stage_group};
use super::recorder::Recorder;
use crate::core::base::error::{CommandError, ComputeError, WgpuOp};
use crate::core::state::objects::CompiledShader;
use crate::core::state::sub_context::{StageState, SubContext};
use guest_protocol::virgl::enums::ShaderStage;
use guest_protocol::virgl::LaunchGrid;
use shader_translate::interface::{DriverUniforms, COMPUTE_GROUP};
use shader_translate::Options;

/// Runs the bound compute shader over the grid `g` names.
pub(crate) fn launch(
    rec: &mut Recorder<'_>,
    sub: &SubContext,
    g: &LaunchGrid,
) -> Result<(), CommandError> {
    let stage = sub
        .stages
        .get(ShaderStage::COMPUTE.0 as usize)
        .ok_or(CommandError::Compute(ComputeError::NoShader))?;
    let obj = stage
        .shader
        .as_deref()
        .ok_or(CommandError::Compute(ComputeError::NoShader))?;
    let options = Options {
        samplers: sampler_options(&stage.views, &stage.samplers),
        shared_memory_bytes: obj.local_mem,
        image_formats: super::storage::image_formats(stage),
        ..Options::default()
    };
    let shader = compiled(rec, obj, &options)?;
    let Some(cs) = shader.interface.compute else {
        return Err(CommandError::Compute(ComputeError::NoShader));
    };
    if g.block != cs.workgroup_size {
        return Err(CommandError::Compute(ComputeError::BlockSize {
            block: g.block,
            shader: cs.workgroup_size,
        }));
    }
    let grid = grid_size(rec, g)?;
    if grid.contains(&0) {
        return Ok(());
    }
    let max = rec.gpu.limits.max_compute_workgroups_per_dimension;
    if grid.iter().any(|&n| n > max) {
        return Err(CommandError::Compute(ComputeError::GridSize(grid)));
    }
    dispatch(rec, stage, &shader, grid)
}

/// The grid: `g.grid`, or for an indirect launch the three counts at
/// `g.indirect_offset` of the indirect buffer's shadow.
fn grid_size(rec: &Recorder<'_>, g: &LaunchGrid) -> Result<[u32; 3], CommandError> {
    if g.indirect_res == 0 {
        return Ok(g.grid);
    }
    let b = rec
        .resource(g.indirect_res)?
        .buffer()
        .ok_or(CommandError::WrongResource {
            res: g.indirect_res,
            what: "indirect grid buffer",
        })?;
    let at = g.indirect_offset as usize;
    let size = (b.size as usize).min(b.shadow.len());
    let bytes = at
        .checked_add(12)
        .filter(|&end| end <= size)
        .and_then(|end| b.shadow.get(at..end))
        .ok_or(CommandError::Compute(ComputeError::IndirectRange))?;
    let mut grid = [0u32; 3];
    for (n, word) in grid.iter_mut().zip(bytes.chunks_exact(4)) {
        let mut le = [0u8; 4];
        le.copy_from_slice(word);
        *n = u32::from_le_bytes(le);
    }
    Ok(grid)
}

/// Records the compute pass: pipeline, the stage's bind group, the grid.
fn dispatch(
    rec: &mut Recorder<'_>,
    stage: &StageState,
    shader: &CompiledShader,
    grid: [u32; 3],
) -> Result<(), CommandError> {
    let gpu = rec.gpu;
    let entries = stage_entries(shader)?;
    let layout = rec
        .caches
        .layouts
        .layout(&gpu.device, wgpu::ShaderStages::COMPUTE, &entries);
    let pipeline = pipeline(rec, shader, &layout)?;
    if rec.work.uniforms.is_full() {
        if let Some(e) = rec.work.flush_writes(gpu) {
            return Err(CommandError::Wgpu(e));
        }
    }
    let driver = DriverUniforms {
        sampler_lod: super::draw::sampler_lod(stage),
        texel_buffer_sizes: super::draw::texel_buffer_sizes(stage),
        ..DriverUniforms::default()
    }
    .to_bytes();
    let mut raw = Default::default();
    let (group, offsets) = stage_group(rec, shader, stage, &driver, &layout, &mut raw)?;
    let encoder = rec.work.encoder(gpu);
    gpu.checked(WgpuOp::Dispatch, || {
        let mut pass = encoder.begin_compute_pass(&wgpu::ComputePassDescriptor::default());
        pass.set_pipeline(&pipeline);
        pass.set_bind_group(COMPUTE_GROUP, &group, &offsets);
        pass.dispatch_workgroups(grid[0], grid[1], grid[2]);
    })?;
    Ok(())
}

/// The compute pipeline of `shader` laid out as `layout`, from the cache.
fn pipeline(
    rec: &mut Recorder<'_>,
    shader: &CompiledShader,
    layout: &wgpu::BindGroupLayout,
) -> Result<wgpu::ComputePipeline, CommandError> {
    let cache = &mut rec.caches.compute;
    if let Some(p) = cache.get(shader.id) {
        return Ok(p);
    }
    let module = shader.wgpu_module()?;
    let device = &rec.gpu.device;
    let built = rec.gpu.checked(WgpuOp::CreateComputePipeline, || {
        let pl = device.create_pipeline_layout(&wgpu::PipelineLayoutDescriptor {
            label: None,
            bind_group_layouts: &[Some(layout)],
            immediate_size: 0,
        });
        device.create_compute_pipeline(&wgpu::ComputePipelineDescriptor {
            label: None,
            layout: Some(&pl),
            module,
            entry_point: Some("main"),
            compilation_options: Default::default(),
            cache: None,
        })
    })?;
    cache.insert(shader.id, built.clone());
    Ok(built)
}
