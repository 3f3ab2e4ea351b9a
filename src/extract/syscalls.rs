//! The syscalls the dry run's bash may not make, through seccomp: the
//! kernel half of "no real command runs" that does not depend on paths.
//!
//! Landlock ([`super::sandbox`]) lets bash be executed, and with it the ELF
//! interpreter that loading bash needs; that interpreter runs any program
//! given as its argument (`/lib64/ld-linux-x86-64.so.2 /usr/bin/chmod`)
//! without executing it. And Landlock does not cover what is not a file
//! opened or a TCP port: `chmod`, `chown`, extended attributes, times, UDP
//! and Unix sockets, process groups. Once bash runs, it needs none of
//! these: it forks for pipes, subshells and `$(...)`, and never executes
//! a program, since every command the runbook names is a function or the
//! `command_not_found_handle`. So bash itself is executed from an open
//! descriptor with `execveat` (which bash never calls), after the filter
//! is in force, and every other `execve` fails, from bash or any program a
//! way around the trace would bring in.

use std::ffi::{CString, OsStr};
use std::os::fd::{AsRawFd, OwnedFd};
use std::os::unix::ffi::OsStrExt;
use std::path::Path;
use std::process::Command;

use seccompiler::{
    BpfProgram, SeccompAction, SeccompCmpArgLen, SeccompCmpOp, SeccompCondition, SeccompFilter,
    SeccompRule,
};

/// What the child needs to start bash under the filter, made before the
/// fork: after it only async-signal-safe calls are allowed, no allocation.
pub struct Exec {
    program: BpfProgram,
    bash: OwnedFd,
    argv: Vec<CString>,
    envp: Vec<CString>,
    pointers: Pointers,
}

/// The `NULL`-ended arrays `execveat` takes, pointing into
/// [`Exec::argv`] and [`Exec::envp`], whose heap buffers do not move.
struct Pointers {
    argv: Vec<*const libc::c_char>,
    envp: Vec<*const libc::c_char>,
}

// SAFETY: the pointers are into CStrings owned by the same `Exec` and
// never written through; the child reads them after fork, in one thread.
unsafe impl Send for Pointers {}
unsafe impl Sync for Pointers {}

impl Exec {
    /// Everything `command` (bash, its arguments, its environment as
    /// `Command` would give it) needs, or why the filter cannot be had
    /// here: no seccomp in this kernel, another architecture.
    pub fn new(command: &Command, bash: &Path) -> Result<Exec, String> {
        let file = std::fs::File::open(bash).map_err(|e| format!("{}: {e}", bash.display()))?;
        let bash: OwnedFd = file.into();
        let program = program(bash.as_raw_fd())?;
        probe(&program)?;
        let c = |s: &OsStr| CString::new(s.as_bytes()).map_err(|e| e.to_string());
        let mut argv = vec![c(command.get_program())?];
        for arg in command.get_args() {
            argv.push(c(arg)?);
        }
        let mut env: std::collections::BTreeMap<_, _> = std::env::vars_os().collect();
        for (key, value) in command.get_envs() {
            match value {
                Some(value) => env.insert(key.to_owned(), value.to_owned()),
                None => env.remove(key),
            };
        }
        let envp = env
            .into_iter()
            .map(|(k, v)| {
                let mut pair = k.into_encoded_bytes();
                pair.push(b'=');
                pair.extend(v.into_encoded_bytes());
                CString::new(pair).map_err(|e| e.to_string())
            })
            .collect::<Result<Vec<_>, _>>()?;
        let ended = |strings: &[CString]| {
            let mut pointers: Vec<_> = strings.iter().map(|s| s.as_ptr()).collect();
            pointers.push(std::ptr::null());
            pointers
        };
        let pointers = Pointers {
            argv: ended(&argv),
            envp: ended(&envp),
        };
        Ok(Exec {
            program,
            bash,
            argv,
            envp,
            pointers,
        })
    }

    /// In the child, between fork and exec: puts the filter in force and
    /// executes bash. Returns only on failure.
    ///
    /// # Safety
    /// Only between fork and exec (`Command::pre_exec`), as the last step.
    pub unsafe fn start(&self) -> std::io::Error {
        debug_assert_eq!(self.pointers.argv.len(), self.argv.len() + 1);
        debug_assert_eq!(self.pointers.envp.len(), self.envp.len() + 1);
        if seccompiler::apply_filter(&self.program).is_err() {
            return std::io::Error::last_os_error();
        }
        // SAFETY: execveat(2) on a descriptor owned here, with an empty
        // path and NULL-ended arrays of pointers to live C strings.
        unsafe {
            libc::syscall(
                libc::SYS_execveat,
                self.bash.as_raw_fd(),
                c"".as_ptr(),
                self.pointers.argv.as_ptr(),
                self.pointers.envp.as_ptr(),
                libc::AT_EMPTY_PATH,
            );
        }
        std::io::Error::last_os_error()
    }
}

/// Whether seccomp filters can be put in force here (a kernel built
/// without them, a container that forbids them): tried on a thread of its
/// own, which ends with its filter.
fn probe(program: &BpfProgram) -> Result<(), String> {
    let program = program.clone();
    std::thread::spawn(move || seccompiler::apply_filter(&program).map_err(|e| e.to_string()))
        .join()
        .unwrap_or_else(|_| Err("the probe's thread panicked".into()))
}

/// The filter: the syscalls below fail with `EPERM`, all others pass.
fn program(bash: libc::c_int) -> Result<BpfProgram, String> {
    let arch = std::env::consts::ARCH
        .try_into()
        .map_err(|_| format!("no seccomp filter for {}", std::env::consts::ARCH))?;
    let condition = |arg, op, value| {
        SeccompCondition::new(arg, SeccompCmpArgLen::Qword, op, value).map_err(|e| e.to_string())
    };
    let when = |conditions| SeccompRule::new(conditions).map_err(|e| e.to_string());
    let mut rules: Vec<(i64, Vec<SeccompRule>)> = DENIED.iter().map(|&n| (n, vec![])).collect();
    // execveat only as `start` calls it: on bash's descriptor, with an
    // empty path. Bash never calls it; the rules are "any other".
    rules.push((
        libc::SYS_execveat,
        vec![
            when(vec![condition(0, SeccompCmpOp::Ne, bash as u64)?])?,
            when(vec![condition(
                4,
                SeccompCmpOp::Ne,
                libc::AT_EMPTY_PATH as u64,
            )?])?,
        ],
    ));
    // Reading a limit passes; setting one (root may raise its own) fails.
    rules.push((
        libc::SYS_prlimit64,
        vec![when(vec![condition(2, SeccompCmpOp::Ne, 0)?])?],
    ));
    let filter = SeccompFilter::new(
        rules.into_iter().collect(),
        SeccompAction::Allow,
        SeccompAction::Errno(libc::EPERM as u32),
        arch,
    )
    .map_err(|e| e.to_string())?;
    filter
        .try_into()
        .map_err(|e: seccompiler::BackendError| e.to_string())
}

/// Denied whatever their arguments.
const DENIED: &[i64] = &[
    // Programs: every command is a function once bash runs.
    libc::SYS_execve,
    // Process groups and sessions: the time limit kills bash's one group
    // whole, and `set -m` would put each job in a group of its own.
    libc::SYS_setpgid,
    libc::SYS_setsid,
    // The network, UDP and Unix sockets included (/dev/udp, a Docker socket).
    libc::SYS_socket,
    // What Landlock does not cover on files outside the work folder.
    libc::SYS_fchmod,
    libc::SYS_fchmodat,
    libc::SYS_fchown,
    libc::SYS_fchownat,
    libc::SYS_setxattr,
    libc::SYS_lsetxattr,
    libc::SYS_fsetxattr,
    libc::SYS_removexattr,
    libc::SYS_lremovexattr,
    libc::SYS_fremovexattr,
    libc::SYS_utimensat,
    libc::SYS_setrlimit,
    // What root could do to the machine from code loaded into bash
    // (`enable -f`), and io_uring, whose operations pass by seccomp.
    libc::SYS_ptrace,
    libc::SYS_process_vm_writev,
    libc::SYS_mount,
    libc::SYS_umount2,
    libc::SYS_pivot_root,
    libc::SYS_chroot,
    libc::SYS_unshare,
    libc::SYS_setns,
    libc::SYS_reboot,
    libc::SYS_kexec_load,
    libc::SYS_init_module,
    libc::SYS_finit_module,
    libc::SYS_delete_module,
    libc::SYS_bpf,
    libc::SYS_perf_event_open,
    libc::SYS_swapon,
    libc::SYS_swapoff,
    libc::SYS_sethostname,
    libc::SYS_setdomainname,
    libc::SYS_settimeofday,
    libc::SYS_clock_settime,
    libc::SYS_clock_adjtime,
    libc::SYS_adjtimex,
    libc::SYS_acct,
    libc::SYS_quotactl,
    libc::SYS_add_key,
    libc::SYS_request_key,
    libc::SYS_keyctl,
    libc::SYS_name_to_handle_at,
    libc::SYS_open_by_handle_at,
    libc::SYS_io_uring_setup,
    libc::SYS_io_uring_enter,
    libc::SYS_io_uring_register,
    libc::SYS_open_tree,
    libc::SYS_move_mount,
    libc::SYS_fsopen,
    libc::SYS_fsconfig,
    libc::SYS_fsmount,
    libc::SYS_fspick,
    libc::SYS_mount_setattr,
    // The older calls of the same, where the architecture still has them.
    #[cfg(target_arch = "x86_64")]
    libc::SYS_fchmodat2,
    #[cfg(target_arch = "x86_64")]
    libc::SYS_chmod,
    #[cfg(target_arch = "x86_64")]
    libc::SYS_chown,
    #[cfg(target_arch = "x86_64")]
    libc::SYS_lchown,
    #[cfg(target_arch = "x86_64")]
    libc::SYS_utime,
    #[cfg(target_arch = "x86_64")]
    libc::SYS_utimes,
    #[cfg(target_arch = "x86_64")]
    libc::SYS_futimesat,
];
