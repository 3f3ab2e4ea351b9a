//! The kernel's half of `runbook dry-run`'s containment, through Linux's
//! Landlock (5.13 and later). The shell's trace (`dry_run`) records every
//! command; this is what still holds if a runbook finds a way around the
//! trace. Bash and anything it starts may execute only bash (and the ELF
//! interpreter that loading bash needs), write only inside the work folder
//! and `/dev/null` (its output is a pipe to runbook), connect to
//! no TCP port, and, where the kernel can scope them, signal no process and
//! reach no abstract socket outside the dry run. Reading stays allowed: the
//! script reads the runbook's own files and the system's. The syscall
//! filter ([`super::syscalls`]) closes what the interpreter leaves open.
//!
//! The rules are applied to a thread of their own, which then starts bash:
//! Landlock restricts the calling thread and what it starts, so the rest of
//! `runbook` is not restricted. The same thread holds the script to its
//! time limit, and bash starts with limits on memory and file size.

use std::borrow::Cow;
use std::io::{Read, Write};
#[cfg(unix)]
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use crate::lint::report::printable;

#[cfg(target_os = "linux")]
use landlock::{
    ABI, Access, AccessFs, AccessNet, BitFlags, PathBeneath, PathFd, Ruleset, RulesetAttr,
    RulesetCreated, RulesetCreatedAttr, RulesetStatus, Scope,
};

/// How much of the containment the kernel enforced.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Enforcement {
    Full,
    /// An older kernel: some of the rules (network, signals) are missing.
    Partial,
    /// No Landlock here; the reason, for the note the user sees.
    None(String),
}

/// Why the dry run stopped the script before it ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stop {
    /// Still running at the time limit.
    Time,
    /// More than [`MAX_PROCESSES`] processes at once.
    Processes,
}

/// Processes the script may have at once. Builtins and functions run, so a
/// fork bomb (`f() { f | f & }; f`) or a loop of `( ... ) &` would fill the
/// machine's process table until the time limit; no resource limit does
/// it for root, and cgroups are not everyone's to use. Checked as often as
/// the time limit, so a bomb gets a few hundred processes past it at most.
pub const MAX_PROCESSES: usize = 512;

/// What the kernel held the script to: Landlock's rules on files, the
/// network and signals, and the syscall filter (`Err` says why not).
pub struct Containment {
    pub files: Enforcement,
    pub syscalls: Result<(), String>,
}

/// Runs `command` (bash on the dry run's script) inside the sandbox, in a
/// process group of its own, which is killed whole when bash exits, at
/// `timeout`, or past [`MAX_PROCESSES`].
pub fn status(
    command: Command,
    bash: &Path,
    work: &Path,
    timeout: Duration,
    rename: &Rename,
) -> std::io::Result<(Result<ExitStatus, Stop>, Containment)> {
    let ruleset = rules(bash, work);
    close_inherited();
    std::thread::scope(|scope| {
        scope
            .spawn(move || {
                let mut command = command;
                let enforcement = restrict(ruleset);
                own_group(&mut command);
                let syscalls = filter_syscalls(&mut command, bash);
                let containment = Containment {
                    files: enforcement,
                    syscalls,
                };
                let mut child = command
                    .stdout(Stdio::piped())
                    .stderr(Stdio::piped())
                    .spawn()?;
                if let Some(out) = child.stdout.take() {
                    scope.spawn(move || forward(out, std::io::stdout(), None));
                }
                if let Some(err) = child.stderr.take() {
                    scope.spawn(move || forward(err, std::io::stderr(), Some(rename)));
                }
                wait(child, timeout).map(|status| (status, containment))
            })
            .join()
            .unwrap_or_else(|_| Err(std::io::Error::other("the dry run's thread panicked")))
    })
}

/// Marks the descriptors runbook was started with beyond the standard
/// three (a CI wrapper's `3>>log`) close-on-exec. bash would inherit them
/// open for writing, past the kernel sandbox, which checks a file only as
/// it is opened.
#[cfg(unix)]
fn close_inherited() {
    let listing = std::fs::read_dir("/proc/self/fd").or_else(|_| std::fs::read_dir("/dev/fd"));
    let Ok(listing) = listing else {
        return;
    };
    let open: Vec<libc::c_int> = listing
        .flatten()
        .filter_map(|entry| entry.file_name().to_str()?.parse().ok())
        .filter(|&fd| fd > 2)
        .collect();
    for fd in open {
        // SAFETY: fcntl(2) with F_GETFD/F_SETFD reads and sets a flag of a
        // descriptor number and touches no memory; on one closed since (the
        // listing's own) it fails, harmlessly.
        unsafe {
            let flags = libc::fcntl(fd, libc::F_GETFD);
            if flags != -1 {
                libc::fcntl(fd, libc::F_SETFD, flags | libc::FD_CLOEXEC);
            }
        }
    }
}

#[cfg(not(unix))]
fn close_inherited() {}

/// Copies what the script prints to runbook's own output as text a
/// terminal only displays: its builtins run, and `printf '\e]0;...'` or
/// `echo $'\e[2J'` would retitle or clear the terminal of whoever dry-runs
/// a pull request's runbook. Control characters but line breaks and tabs
/// become symbols, as everywhere runbook shows a runbook's text. Once our
/// output is closed (`| head`), so is the pipe: the script's next write
/// fails, as it would in any pipeline. With `rename`, bash's own messages
/// name the runbook (see [`Rename`]); a line is then held until it ends
/// only while it may still become one of them.
fn forward(mut from: impl Read, mut to: impl Write, rename: Option<&Rename>) {
    let mut buf = vec![0u8; 8192];
    let mut held = 0;
    // Decoded text not written yet, and whether it starts a line.
    let mut text = String::new();
    let mut at_line_start = true;
    loop {
        let read = match from.read(&mut buf[held..]) {
            Ok(0) => break,
            Ok(n) => held + n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(_) => return,
        };
        let whole = whole_chars(&buf[..read]);
        text.push_str(&String::from_utf8_lossy(&buf[..whole]));
        let ready = rename.map_or(text.len(), |r| r.ready(&text, at_line_start));
        if ready > 0 {
            let shown = rename.map_or(Cow::Borrowed(&text[..ready]), |r| {
                r.apply(&text[..ready], at_line_start)
            });
            if to
                .write_all(printable(&shown).as_bytes())
                .and_then(|_| to.flush())
                .is_err()
            {
                return;
            }
            at_line_start = text[..ready].ends_with('\n');
            text.drain(..ready);
        }
        buf.copy_within(whole..read, 0);
        held = read - whole;
    }
    text.push_str(&String::from_utf8_lossy(&buf[..held]));
    if !text.is_empty() {
        let shown = rename.map_or(Cow::Borrowed(text.as_str()), |r| {
            r.apply(&text, at_line_start)
        });
        let _ = to.write_all(printable(&shown).as_bytes());
        let _ = to.flush();
    }
}

/// bash starts its own messages with the script it runs and a line of it
/// (`/tmp/runbook-dry-run-x/.runbook/dry-run.sh: line 327: `): a throw-away
/// file and a line of the generated program, neither of which the user
/// has. Shown instead: the runbook (`deploy.md: `), after the `==>` header
/// of the step that failed.
pub struct Rename {
    /// The script's path as bash was given it.
    script: String,
    prefix: regex::Regex,
    shown: String,
}

impl Rename {
    pub fn new(script: &Path, shown: &str) -> Rename {
        let script = script.to_string_lossy().into_owned();
        let prefix = regex::Regex::new(&format!(r"(?m)^{}(: line \d+)?: ", regex::escape(&script)))
            .expect("an escaped path is a valid pattern");
        Rename {
            script,
            prefix,
            shown: format!("{shown}: "),
        }
    }

    /// `text` with bash's prefix replaced on each line it starts; its first
    /// line is one only `at_line_start`.
    fn apply<'t>(&self, text: &'t str, at_line_start: bool) -> Cow<'t, str> {
        let from = if at_line_start {
            0
        } else {
            text.find('\n').map_or(text.len(), |i| i + 1)
        };
        match self.prefix.replace_all(&text[from..], self.shown.as_str()) {
            Cow::Borrowed(_) => Cow::Borrowed(text),
            Cow::Owned(rest) => Cow::Owned(format!("{}{rest}", &text[..from])),
        }
    }

    /// How much of `text` may be written now: all but a last, unfinished
    /// line that may still turn out to be one of bash's messages.
    fn ready(&self, text: &str, at_line_start: bool) -> usize {
        let last = match text.rfind('\n') {
            Some(i) => i + 1,
            None if at_line_start => 0,
            None => return text.len(),
        };
        let tail = &text[last..];
        let may_be_prefix = self.script.starts_with(tail)
            || (tail.starts_with(&self.script) && tail.len() < self.script.len() + MAX_LINE_PART);
        if may_be_prefix { last } else { text.len() }
    }
}

/// The longest `: line N: ` bash writes after the script's path.
const MAX_LINE_PART: usize = 32;

/// The length of `bytes` without a UTF-8 sequence cut off at its end,
/// which the next read completes.
fn whole_chars(bytes: &[u8]) -> usize {
    for back in 1..=bytes.len().min(3) {
        let at = bytes.len() - back;
        let needs = match bytes[at] {
            0xc0..=0xdf => 2,
            0xe0..=0xef => 3,
            0xf0..=0xf7 => 4,
            0x80..=0xbf => continue,
            _ => 1,
        };
        return if needs > back { at } else { bytes.len() };
    }
    bytes.len()
}

/// Waits for bash, or stops it. Either way the whole group is killed, and
/// seen dead, before bash is reaped: what the script started in the background
/// (`( while :; do ...; done ) &`) would otherwise go on after the dry run,
/// writing to its output, past any time limit. Until bash is reaped its
/// pid, the group's id, cannot be taken by another process.
fn wait(mut child: Child, timeout: Duration) -> std::io::Result<Result<ExitStatus, Stop>> {
    let deadline = Instant::now() + timeout;
    let mut pause = Duration::from_millis(1);
    loop {
        let processes = group_states(child.id()).map_or(0, |states| states.len());
        let stop = if has_exited(&mut child)? {
            None
        } else if Instant::now() >= deadline {
            Some(Stop::Time)
        } else if processes > MAX_PROCESSES {
            Some(Stop::Processes)
        } else {
            // A group that grows is watched closely: a fork bomb doubles
            // in milliseconds.
            pause = match processes {
                0..=32 => (pause * 2).min(Duration::from_millis(50)),
                _ => Duration::from_millis(1),
            };
            std::thread::sleep(pause);
            continue;
        };
        kill_group(&mut child);
        // SIGKILL is delivered, not yet acted on: a busy machine may leave
        // a killed loop running for a moment, past the end of the dry run.
        let killed = Instant::now();
        while group_states(child.id()).is_some_and(|states| states.iter().any(|&s| s != 'Z'))
            && killed.elapsed() < Duration::from_secs(2)
        {
            std::thread::sleep(Duration::from_millis(1));
        }
        let status = child.wait()?;
        return Ok(stop.map_or(Ok(status), Err));
    }
}

/// The state (`R`, `S`, `Z`, ...) of each process in process group
/// `group`, where `/proc` tells.
#[cfg(target_os = "linux")]
fn group_states(group: u32) -> Option<Vec<char>> {
    let group = group.to_string();
    let states = std::fs::read_dir("/proc")
        .ok()?
        .flatten()
        .filter(|entry| entry.file_name().as_encoded_bytes()[0].is_ascii_digit())
        .filter_map(|entry| {
            // `pid (comm) state ppid pgrp ...`; comm may hold anything.
            let stat = std::fs::read_to_string(entry.path().join("stat")).ok()?;
            let mut fields = stat.rsplit_once(')')?.1.split_whitespace();
            let state = fields.next()?.chars().next()?;
            (fields.nth(1)? == group).then_some(state)
        })
        .collect();
    Some(states)
}

#[cfg(not(target_os = "linux"))]
fn group_states(_group: u32) -> Option<Vec<char>> {
    None
}

/// Whether the child has exited, leaving it to be reaped.
#[cfg(unix)]
fn has_exited(child: &mut Child) -> std::io::Result<bool> {
    let pid = libc::id_t::from(child.id());
    // SAFETY: waitid(2) with WNOWAIT only reads the child's state into
    // `info`, a zeroed siginfo_t owned here; the child stays unreaped.
    unsafe {
        let mut info: libc::siginfo_t = std::mem::zeroed();
        let flags = libc::WEXITED | libc::WNOHANG | libc::WNOWAIT;
        if libc::waitid(libc::P_PID, pid, &mut info, flags) == -1 {
            return Err(std::io::Error::last_os_error());
        }
        Ok(info.si_pid() != 0)
    }
}

#[cfg(not(unix))]
fn has_exited(child: &mut Child) -> std::io::Result<bool> {
    Ok(child.try_wait()?.is_some())
}

/// Memory one process of the dry run may map, and the largest file it may
/// write: a string doubled in a loop, or output appended forever, ends the
/// process rather than filling the machine.
#[cfg(unix)]
const MAX_MEMORY: u64 = 2 << 30;
#[cfg(unix)]
const MAX_FILE: u64 = 1 << 30;

/// Bash leads a session and process group of its own, which the time
/// limit kills whole; Ctrl-C, which goes to runbook's group, still ends
/// bash, since it dies with the thread that started it. A session of its
/// own is also a scheduling group of its own where the kernel has them
/// (autogroup): a fork bomb shares one share of the CPU instead of
/// starving the thread that watches it. Not run as root, the kernel also
/// holds the user's processes to [`MAX_PROCESSES`] more than they have
/// now (root is exempt from that limit).
#[cfg(unix)]
fn own_group(command: &mut Command) {
    // SAFETY: getuid(2) cannot fail and touches no memory.
    let root = unsafe { libc::getuid() } == 0;
    let processes = (!root).then(|| user_processes().map(|n| (n + MAX_PROCESSES) as u64));
    // SAFETY: the closure runs between fork and exec; setsid(2),
    // setrlimit(2) and prctl(2) are async-signal-safe, and nothing is
    // allocated.
    unsafe {
        command.pre_exec(move || {
            if libc::setsid() == -1 {
                return Err(std::io::Error::last_os_error());
            }
            let limit = |resource, max: u64| {
                let max = max as libc::rlim_t;
                let value = libc::rlimit {
                    rlim_cur: max,
                    rlim_max: max,
                };
                if libc::setrlimit(resource, &value) == -1 {
                    return Err(std::io::Error::last_os_error());
                }
                Ok(())
            };
            limit(libc::RLIMIT_AS, MAX_MEMORY)?;
            limit(libc::RLIMIT_FSIZE, MAX_FILE)?;
            if let Some(Some(max)) = processes {
                limit(libc::RLIMIT_NPROC, max)?;
            }
            #[cfg(target_os = "linux")]
            if libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL) == -1 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
}

/// Has the child start bash under the syscall filter ([`super::syscalls`]),
/// as the last step before exec, where the kernel allows one.
#[cfg(target_os = "linux")]
fn filter_syscalls(command: &mut Command, bash: &Path) -> Result<(), String> {
    let exec = super::syscalls::Exec::new(command, bash)?;
    // SAFETY: `start` is made for this place: between fork and exec,
    // after every other step (own_group's), allocating nothing.
    unsafe {
        command.pre_exec(move || Err(exec.start()));
    }
    Ok(())
}

#[cfg(not(target_os = "linux"))]
fn filter_syscalls(_command: &mut Command, _bash: &Path) -> Result<(), String> {
    Err("seccomp is Linux's".into())
}

/// How many processes this user has, where `/proc` tells.
#[cfg(target_os = "linux")]
fn user_processes() -> Option<usize> {
    use std::os::unix::fs::MetadataExt;
    // SAFETY: getuid(2) cannot fail and touches no memory.
    let uid = unsafe { libc::getuid() };
    let count = std::fs::read_dir("/proc")
        .ok()?
        .flatten()
        .filter(|entry| entry.file_name().as_encoded_bytes()[0].is_ascii_digit())
        .filter(|entry| entry.metadata().is_ok_and(|m| m.uid() == uid))
        .count();
    Some(count)
}

#[cfg(all(unix, not(target_os = "linux")))]
fn user_processes() -> Option<usize> {
    None
}

#[cfg(not(unix))]
fn own_group(_command: &mut Command) {}

#[cfg(unix)]
fn kill_group(child: &mut Child) {
    if let Ok(group) = libc::pid_t::try_from(child.id()) {
        // SAFETY: kill(2) with a negative pid signals the process group the
        // child leads (`setsid`); it touches no memory of ours.
        unsafe {
            libc::kill(-group, libc::SIGKILL);
        }
    }
}

#[cfg(not(unix))]
fn kill_group(child: &mut Child) {
    let _ = child.kill();
}

/// The newest Landlock ABI these rules are written for; older kernels get
/// what they support of it.
#[cfg(target_os = "linux")]
const ABI_WANTED: ABI = ABI::V10;

#[cfg(target_os = "linux")]
fn rules(bash: &Path, work: &Path) -> Result<RulesetCreated, String> {
    let write = AccessFs::from_write(ABI_WANTED);
    let file_write = write & AccessFs::from_file(ABI_WANTED);
    // The script's output is a pipe to runbook (`forward`), which bash
    // reopens as /dev/stdout by itself: the terminal or file behind it is
    // not the script's to open.
    let writable: Vec<(std::path::PathBuf, BitFlags<AccessFs>)> = vec![
        (work.to_path_buf(), write),
        ("/dev/null".into(), file_write),
    ];
    let bash = bash.canonicalize().map_err(|e| e.to_string())?;
    let mut executable = vec![bash.clone()];
    executable.extend(elf_interpreter(&bash));

    let rule = |path: &Path, access: BitFlags<AccessFs>| {
        PathFd::new(path)
            .map(|fd| PathBeneath::new(fd, access))
            .map_err(|e| e.to_string())
    };
    let mut created = Ruleset::default()
        .handle_access(write | AccessFs::Execute)
        .and_then(|r| r.handle_access(AccessNet::from_all(ABI_WANTED)))
        .and_then(|r| r.scope(Scope::from_all(ABI_WANTED)))
        .and_then(|r| r.create())
        .map_err(|e| e.to_string())?;
    for (path, access) in &writable {
        created = created
            .add_rule(rule(path, *access)?)
            .map_err(|e| e.to_string())?;
    }
    for path in &executable {
        created = created
            .add_rule(rule(path, AccessFs::Execute.into())?)
            .map_err(|e| e.to_string())?;
    }
    Ok(created)
}

#[cfg(target_os = "linux")]
fn restrict(ruleset: Result<RulesetCreated, String>) -> Enforcement {
    match ruleset.and_then(|r| r.restrict_self().map_err(|e| e.to_string())) {
        Ok(status) => match status.ruleset {
            RulesetStatus::FullyEnforced => Enforcement::Full,
            RulesetStatus::PartiallyEnforced => Enforcement::Partial,
            RulesetStatus::NotEnforced => {
                Enforcement::None("this kernel has no Landlock, or it is turned off".into())
            }
        },
        Err(e) => Enforcement::None(e),
    }
}

/// The program interpreter (`PT_INTERP`) of a 64-bit little-endian ELF
/// file, such as `/lib64/ld-linux-x86-64.so.2`: executing bash opens it
/// for execution too. `None` for a static binary or anything else.
#[cfg(target_os = "linux")]
fn elf_interpreter(path: &Path) -> Option<std::path::PathBuf> {
    let bytes = std::fs::read(path).ok()?;
    let u16_at = |at: usize| Some(u16::from_le_bytes(bytes.get(at..at + 2)?.try_into().ok()?));
    let u32_at = |at: usize| Some(u32::from_le_bytes(bytes.get(at..at + 4)?.try_into().ok()?));
    let u64_at = |at: usize| {
        let n = u64::from_le_bytes(bytes.get(at..at + 8)?.try_into().ok()?);
        usize::try_from(n).ok()
    };
    // Magic, 64-bit class, little-endian.
    if bytes.get(..6)? != b"\x7fELF\x02\x01" {
        return None;
    }
    let (table, entry_size, entries) = (u64_at(0x20)?, u16_at(0x36)?, u16_at(0x38)?);
    const PT_INTERP: u32 = 3;
    (0..usize::from(entries))
        .map(|i| table + i * usize::from(entry_size))
        .find(|&header| u32_at(header) == Some(PT_INTERP))
        .and_then(|header| {
            let (offset, size) = (u64_at(header + 8)?, u64_at(header + 32)?);
            let name = bytes.get(offset..offset.checked_add(size)?)?;
            let name = name.strip_suffix(b"\0").unwrap_or(name);
            use std::os::unix::ffi::OsStrExt;
            Path::new(std::ffi::OsStr::from_bytes(name))
                .canonicalize()
                .ok()
        })
}

#[cfg(not(target_os = "linux"))]
fn rules(_bash: &Path, _work: &Path) -> Result<(), String> {
    Err("Landlock is Linux's".into())
}

#[cfg(not(target_os = "linux"))]
fn restrict(ruleset: Result<(), String>) -> Enforcement {
    Enforcement::None(ruleset.err().unwrap_or_default())
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use super::*;

    /// Hands out its text a few bytes at a time, as a pipe may.
    struct Trickle<'a>(&'a [u8], usize);

    impl Read for Trickle<'_> {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            let n = self.1.min(self.0.len()).min(buf.len());
            buf[..n].copy_from_slice(&self.0[..n]);
            self.0 = &self.0[n..];
            Ok(n)
        }
    }

    fn forwarded(text: &str, chunk: usize) -> String {
        let rename = Rename::new(Path::new("/tmp/w/.runbook/dry-run.sh"), "deploy.md");
        let mut out = Vec::new();
        forward(Trickle(text.as_bytes(), chunk), &mut out, Some(&rename));
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn bash_messages_name_the_runbook_however_the_pipe_splits_them() {
        let text = "==> step\n\
                    /tmp/w/.runbook/dry-run.sh: line 327: X: step s (line 9) needs X\n\
                    echoed /tmp/w/.runbook/dry-run.sh: line 1: stays\n\
                    /tmp/w/.runbook/dry-run.sh: bad interpreter\n\
                    Continue? ";
        let want = "==> step\n\
                    deploy.md: X: step s (line 9) needs X\n\
                    echoed /tmp/w/.runbook/dry-run.sh: line 1: stays\n\
                    deploy.md: bad interpreter\n\
                    Continue? ";
        for chunk in [1, 2, 3, 7, 40, 8192] {
            assert_eq!(forwarded(text, chunk), want, "chunks of {chunk}");
        }
    }

    #[test]
    fn a_line_that_cannot_become_a_message_is_not_held() {
        let rename = Rename::new(Path::new("/tmp/w/s.sh"), "r.md");
        assert_eq!(rename.ready("Continue? ", true), 10);
        assert_eq!(rename.ready("a\n/tmp/w/s", true), 2);
        assert_eq!(rename.ready("/tmp/w/s.sh: line 3", false), 19);
    }

    #[test]
    fn finds_the_interpreter_of_a_dynamic_binary() {
        let bash = Path::new("/bin/bash").canonicalize().unwrap();
        let interpreter = elf_interpreter(&bash).expect("bash is dynamically linked here");
        assert!(
            interpreter.to_string_lossy().contains("ld-"),
            "{}",
            interpreter.display()
        );
        assert_eq!(elf_interpreter(Path::new("/etc/hostname")), None);
    }
}
