//! The worker's jail, set up in two steps around opening the device:
//!
//! 1. [`before_device`], while the process has one thread: a Landlock
//!    domain every later thread inherits (the driver's threads included):
//!    the file system read-only beneath the few folders a Vulkan driver
//!    loads from, no TCP, no abstract Unix sockets or signals outside the
//!    domain.
//! 2. [`lock_down`], once the device is open: resource limits, the process
//!    made undumpable, a second Landlock layer with no file access at all
//!    (on this thread), and a seccomp-bpf allow-list on every thread
//!    (TSYNC) that kills the process on any other system call, and a
//!    second filter answering the few [`refused_syscalls`] with `EACCES`.
//!
//! docs/SECURITY.md explains each allowed system call.

use super::codec::{Malformed, Reader, Writer};
use landlock::{
    path_beneath_rules, Access, AccessFs, AccessNet, Ruleset, RulesetAttr, RulesetCreatedAttr,
    Scope, ABI,
};
use rustix::process::{setrlimit, Resource, Rlimit};
use seccompiler::{
    apply_filter_all_threads, BpfProgram, SeccompAction, SeccompCmpArgLen, SeccompCmpOp,
    SeccompCondition, SeccompFilter, SeccompRule,
};
use std::collections::BTreeMap;

/// The newest Landlock ABI the jail asks for; older kernels get what they
/// support (best effort).
const LANDLOCK: ABI = ABI::V6;

/// Folders a Vulkan driver (the loader, its manifests, lavapipe and LLVM)
/// reads while the device opens.
const DRIVER_FILES: &[&str] = &[
    "/usr", "/lib", "/lib64", "/etc", "/sys", "/proc", "/dev/dri",
];

/// The fd the worker writes its log to.
const STDERR: i32 = 2;

/// Resource limits of one worker process.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Address space, in bytes (`RLIMIT_AS`): the renderer's memory, the
    /// driver's and the JIT's. A renderer over it fails its allocations.
    pub address_space: u64,
    /// CPU time in seconds (`RLIMIT_CPU`); the worker is killed past it.
    pub cpu_seconds: u64,
    /// Open files (`RLIMIT_NOFILE`): the worker opens none after jailing;
    /// mapped backings are closed once mapped.
    pub open_files: u64,
}

impl Default for Limits {
    /// 64 GiB of address space (llvmpipe and LLVM reserve much more than
    /// they touch; the renderer's own quota bounds real use), a day of CPU,
    /// 256 files.
    fn default() -> Self {
        Self {
            address_space: 64 << 30,
            cpu_seconds: 24 * 3600,
            open_files: 256,
        }
    }
}

impl Limits {
    pub(super) fn put(&self, w: &mut Writer) {
        w.u64(self.address_space)
            .u64(self.cpu_seconds)
            .u64(self.open_files);
    }

    pub(super) fn get(r: &mut Reader<'_>) -> Result<Self, Malformed> {
        Ok(Self {
            address_space: r.u64()?,
            cpu_seconds: r.u64()?,
            open_files: r.u64()?,
        })
    }
}

/// Why the jail could not be set up (the worker then refuses to serve).
#[derive(Debug, thiserror::Error)]
pub enum JailError {
    /// Landlock refused the ruleset.
    #[error("landlock: {0}")]
    Landlock(#[from] landlock::RulesetError),
    /// A resource limit or prctl failed.
    #[error("{what}: {source}")]
    Limit {
        /// Which.
        what: &'static str,
        /// Why.
        source: std::io::Error,
    },
    /// The seccomp filter did not build or install.
    #[error("seccomp: {0}")]
    Seccomp(#[from] seccompiler::Error),
    /// The seccomp filter did not build.
    #[error("seccomp: {0}")]
    Backend(#[from] seccompiler::BackendError),
}

/// Largest block the worker's allocator serves from its heap (larger ones
/// are mappings of their own).
const MMAP_THRESHOLD: i32 = 256 << 20;

/// Step 1: no heap trimming, large blocks from the heap, read-only driver folders, no TCP, scoped
/// sockets and signals.
pub(super) fn before_device() -> Result<(), JailError> {
    // glibc reads /proc/sys/vm/overcommit_memory the first time it shrinks
    // the heap of a thread's arena, which the jail would punish. Heaps
    // (64 MiB at most) shrink only when their free top exceeds the trim
    // threshold: at i32::MAX they never do (large blocks are still mapped
    // and unmapped on their own).
    // SAFETY: mallopt only sets an allocator parameter; the process has
    // one thread here, so no allocation runs concurrently.
    if unsafe { libc::mallopt(libc::M_TRIM_THRESHOLD, i32::MAX) } != 1 {
        return Err(JailError::Limit {
            what: "mallopt(M_TRIM_THRESHOLD)",
            source: std::io::Error::other("refused"),
        });
    }
    // Setting a threshold turns off glibc's sliding mmap threshold, so
    // every block over 128 KiB (lavapipe's and wgpu's staging and command
    // memory, megabytes per transfer and submit) would be a fresh mapping,
    // faulted in and zeroed on each use (measured: page faults were the
    // top cost of the isolated uploads). Served from the heap instead,
    // which keeps freed memory for reuse, as `pv3d serve` does.
    // SAFETY: as above.
    if unsafe { libc::mallopt(libc::M_MMAP_THRESHOLD, MMAP_THRESHOLD) } != 1 {
        return Err(JailError::Limit {
            what: "mallopt(M_MMAP_THRESHOLD)",
            source: std::io::Error::other("refused"),
        });
    }
    Ruleset::default()
        .handle_access(AccessFs::from_all(LANDLOCK))?
        .handle_access(AccessNet::from_all(LANDLOCK))?
        .scope(Scope::from_all(LANDLOCK))?
        .create()?
        .add_rules(path_beneath_rules(
            DRIVER_FILES,
            AccessFs::from_read(LANDLOCK),
        ))?
        .restrict_self()?;
    Ok(())
}

fn limit(what: &'static str, resource: Resource, max: u64) -> Result<(), JailError> {
    let value = Rlimit {
        current: Some(max),
        maximum: Some(max),
    };
    setrlimit(resource, value).map_err(|e| JailError::Limit {
        what,
        source: e.into(),
    })
}

/// Step 2: limits, no files, the system call allow-list. `sock` is the
/// worker's socket, the only one it may send or receive on.
pub(super) fn lock_down(limits: &Limits, sock: i32) -> Result<(), JailError> {
    limit("RLIMIT_AS", Resource::As, limits.address_space)?;
    limit("RLIMIT_CPU", Resource::Cpu, limits.cpu_seconds)?;
    limit("RLIMIT_NOFILE", Resource::Nofile, limits.open_files)?;
    limit("RLIMIT_NPROC", Resource::Nproc, 0)?;
    limit("RLIMIT_FSIZE", Resource::Fsize, 0)?;
    limit("RLIMIT_CORE", Resource::Core, 0)?;
    rustix::process::set_dumpable_behavior(rustix::process::DumpableBehavior::NotDumpable)
        .map_err(|e| JailError::Limit {
            what: "PR_SET_DUMPABLE",
            source: e.into(),
        })?;
    Ruleset::default()
        .handle_access(AccessFs::from_all(LANDLOCK))?
        .create()?
        .restrict_self()?;
    // The refusing filter first: installing a filter takes a `prctl` the
    // allow-list does not grant.
    let refuse: BpfProgram = refused()?.try_into()?;
    apply_filter_all_threads(&refuse)?;
    let program: BpfProgram = filter(sock)?.try_into()?;
    apply_filter_all_threads(&program)?;
    Ok(())
}

/// System calls answered `EACCES` without running (the kernel takes the
/// strictest answer of all filters: these are allowed by [`filter`] and
/// refused here): glibc's stdio asks `newfstatat(2, "", AT_EMPTY_PATH)`
/// before a driver thread's first message on stderr, and prints the
/// message anyway when refused (allowing it would let a worker stat any
/// path: its dirfd is ignored for absolute paths); glibc's `qsort` asks
/// `sysinfo` for the machine's memory and sorts in place when refused.
pub fn refused_syscalls() -> &'static [(&'static str, i64)] {
    &[
        ("newfstatat", libc::SYS_newfstatat),
        ("sysinfo", libc::SYS_sysinfo),
    ]
}

fn refused() -> Result<SeccompFilter, JailError> {
    let rules = refused_syscalls()
        .iter()
        .map(|&(_, nr)| (nr, Vec::new()))
        .collect();
    Ok(SeccompFilter::new(
        rules,
        SeccompAction::Allow,
        SeccompAction::Errno(libc::EACCES as u32),
        std::env::consts::ARCH.try_into()?,
    )?)
}

/// `arg == value` on argument `index`.
fn arg_is(index: u8, value: u64) -> Result<SeccompRule, JailError> {
    let cond = SeccompCondition::new(index, SeccompCmpArgLen::Dword, SeccompCmpOp::Eq, value)?;
    Ok(SeccompRule::new(vec![cond])?)
}

/// The system calls a jailed worker makes serving calls on lavapipe (the
/// test suite's workloads), each explained in docs/SECURITY.md; anything
/// else kills the process.
pub fn allowed_syscalls() -> &'static [(&'static str, i64)] {
    &[
        ("recvmsg", libc::SYS_recvmsg),
        ("sendmsg", libc::SYS_sendmsg),
        ("write", libc::SYS_write),
        ("close", libc::SYS_close),
        ("mmap", libc::SYS_mmap),
        ("munmap", libc::SYS_munmap),
        ("mremap", libc::SYS_mremap),
        ("mprotect", libc::SYS_mprotect),
        ("madvise", libc::SYS_madvise),
        ("brk", libc::SYS_brk),
        ("futex", libc::SYS_futex),
        ("exit", libc::SYS_exit),
        ("exit_group", libc::SYS_exit_group),
        ("rt_sigprocmask", libc::SYS_rt_sigprocmask),
        ("fcntl", libc::SYS_fcntl),
        ("sigaltstack", libc::SYS_sigaltstack),
        ("set_robust_list", libc::SYS_set_robust_list),
        ("rseq", libc::SYS_rseq),
        ("prctl", libc::SYS_prctl),
        ("lseek", libc::SYS_lseek),
    ]
}

fn filter(sock: i32) -> Result<SeccompFilter, JailError> {
    let mut rules: BTreeMap<i64, Vec<SeccompRule>> = BTreeMap::new();
    for &(name, nr) in allowed_syscalls().iter().chain(refused_syscalls()) {
        let only = match name {
            // Only on the worker's socket, only to its log.
            "recvmsg" | "sendmsg" => vec![arg_is(0, sock as u64)?],
            "write" | "lseek" => vec![arg_is(0, STDERR as u64)?],
            // Reading an fd's flags only (std checks an fd is open before
            // closing it, in builds with debug assertions).
            "fcntl" => vec![arg_is(1, libc::F_GETFD as u64)?],
            // Naming a thread only (llvmpipe's threads name themselves).
            "prctl" => vec![arg_is(0, libc::PR_SET_NAME as u64)?],
            _ => vec![],
        };
        rules.insert(nr, only);
    }
    let arch = std::env::consts::ARCH.try_into()?;
    Ok(SeccompFilter::new(
        rules,
        SeccompAction::KillProcess,
        SeccompAction::Allow,
        arch,
    )?)
}
