//! `runbook dry-run`: runs a runbook's script in bash, for real, in a
//! throw-away folder, with every external command recorded and never run.
//!
//! How nothing real runs, in layers:
//! - `PATH` is an empty folder, reset (with the command hash) before every
//!   command, so a name without `/` is never found and bash calls
//!   `command_not_found_handle`, which records the expanded arguments and
//!   answers from the stubs. That covers `env`, `xargs`, `sudo`, `curl | sh`,
//!   pipes and `$(...)`, since subshells inherit it.
//! - A DEBUG trap (`extdebug`, inherited by functions and subshells) looks
//!   at each command word before it runs: one containing `/` (`/bin/rm`,
//!   `"$TOOL"` expanding to a path) gets a stub function of that name,
//!   which bash prefers to the file; `eval`, `builtin` and temporary `PATH`
//!   assignments, which could get around the rest, are refused.
//! - Builtins that act outside the shell (`kill`, `cd`, `exec`, `trap`,
//!   `source`, `command`, `hash`, `enable`, ...) are replaced by read-only
//!   functions that record them.
//! - Every redirection target in the script is rewritten to go through
//!   `__rb_path`, which keeps writes outside the work folder inside it
//!   (`.runbook/outside/`) and turns `/dev/tcp` reads into `/dev/null`.
//! - Under the shell, the kernel: Landlock on files, TCP and signals
//!   ([`super::sandbox`]), and a syscall filter under which no program can
//!   be executed once bash runs ([`super::syscalls`]).

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::LazyLock;

use regex::Regex;
use serde::Deserialize;

use crate::document::yaml::{self, YamlLines};

use super::analysis::Runbook;
use super::script::{STEP_HEADER, Script, quote};
use super::shell;

/// Canned answers for intercepted commands.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Stubs {
    #[serde(default, alias = "stub")]
    pub stubs: Vec<Stub>,
    /// Variables to set, as `--var` would.
    #[serde(default)]
    pub vars: BTreeMap<String, String>,
    /// The script's standard input, a line each: the answers to its
    /// prompts (`read -p "Continue? [y/N]" answer`), as `--answer` gives.
    #[serde(default)]
    pub answers: Vec<String>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Stub {
    /// A glob matched against the command line (`kubectl get pods*`).
    pub command: String,
    #[serde(default)]
    pub stdout: String,
    #[serde(default)]
    pub stderr: String,
    #[serde(default)]
    pub exit: u8,
}

impl Stubs {
    /// Reads a stubs file, TOML or YAML by its extension.
    pub fn load(path: &Path) -> Result<Stubs, String> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("{}: cannot read: {e}", path.display()))?;
        let is_toml = path.extension().is_some_and(|e| e == "toml");
        if is_toml {
            toml::from_str(&text).map_err(|e| {
                let line = e.span().map_or(1, |s| {
                    text[..s.start.min(text.len())].matches('\n').count() + 1
                });
                format!("{}:{line}: {}", path.display(), e.message())
            })
        } else {
            serde_saphyr::from_str(&text).map_err(|e| {
                // YAML also breaks lines at a lone `\r`; ours do not.
                let offset = e
                    .location()
                    .map_or(0, |l| YamlLines::new(&text).offset(l.line(), l.column()));
                let line = text[..offset].matches('\n').count() + 1;
                format!("{}:{line}: {}", path.display(), yaml::message(&e))
            })
        }
    }

    /// Front matter `dry_run: { stubs: [...], vars: {...} }`.
    pub fn from_front_matter(value: &serde_json::Value) -> Result<Stubs, String> {
        serde_json::from_value(value.clone()).map_err(|e| format!("front matter `dry_run`: {e}"))
    }

    /// Later entries win: `other` is laid over `self`.
    pub fn merge(mut self, other: Stubs) -> Stubs {
        let mut stubs = other.stubs;
        stubs.append(&mut self.stubs);
        self.stubs = stubs;
        self.vars.extend(other.vars);
        if !other.answers.is_empty() {
            self.answers = other.answers;
        }
        self
    }
}

pub struct Options {
    pub only: Vec<String>,
    pub vars: Vec<(String, String)>,
    pub stubs: Stubs,
    /// Keep the work folder and say where it is.
    pub keep: bool,
    /// How long the script may run.
    pub timeout: std::time::Duration,
}

/// How a dry run ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ended {
    Exit(i32),
    /// Still running at the time limit, and stopped.
    TimedOut,
    /// Past [`super::sandbox::MAX_PROCESSES`] processes at once, and stopped.
    TooManyProcesses,
}

/// Runs the script; returns bash's exit status, or that it ran too long.
pub fn run(rb: &Runbook, script: &Script, options: &Options) -> std::io::Result<Ended> {
    let work = tempfile::Builder::new()
        .prefix("runbook-dry-run-")
        .tempdir()?;
    let root = work.path().canonicalize()?;
    let meta = root.join(".runbook");
    std::fs::create_dir_all(meta.join("bin"))?;
    std::fs::create_dir_all(meta.join("outside"))?;
    let program = program(rb, script, &root, &options.stubs);
    let file = meta.join("dry-run.sh");
    std::fs::write(&file, program)?;
    // Without answers, standard input is empty: `read` gets end of file.
    let stdin = if options.stubs.answers.is_empty() {
        Stdio::null()
    } else {
        let answers = meta.join("answers");
        let text: String = options
            .stubs
            .answers
            .iter()
            .map(|a| format!("{a}\n"))
            .collect();
        std::fs::write(&answers, text)?;
        Stdio::from(std::fs::File::open(&answers)?)
    };

    // Found with the caller's PATH: the script's own PATH is an empty folder.
    let bash = find_bash();
    let mut command = Command::new(&bash);
    command
        .args(["--norc", "--noprofile"])
        .arg(&file)
        .current_dir(&root)
        .stdin(stdin);
    for (key, _) in std::env::vars_os() {
        let name = key.to_string_lossy();
        if UNSAFE_ENV.contains(&name.as_ref()) || name.starts_with("BASH_FUNC_") {
            command.env_remove(&key);
        }
    }
    command.env("PATH", meta.join("bin"));
    let vars = options.vars.iter().map(|(k, v)| (k, v));
    for (name, value) in options.stubs.vars.iter().chain(vars) {
        command.arg("--var").arg(format!("{name}={value}"));
    }
    for only in &options.only {
        command.arg("--only").arg(only);
    }
    // Here-documents too large for a pipe become files in TMPDIR.
    let tmp = meta.join("tmp");
    std::fs::create_dir_all(&tmp)?;
    command.env("TMPDIR", &tmp);
    let (status, containment) = super::sandbox::status(
        command,
        &bash,
        &root,
        options.timeout,
        &super::sandbox::Rename::new(&file, &rb.doc.rel),
    )?;
    match containment.files {
        // An older Landlock still refuses writes outside the work folder;
        // what it lacks of the network the syscall filter refuses.
        super::sandbox::Enforcement::Full | super::sandbox::Enforcement::Partial => {}
        super::sandbox::Enforcement::None(why) => crate::eprintln_printable!(
            "note: no kernel sandbox for files ({why}): writes outside the work folder are kept from the script by the shell's trace alone, which a runbook written to get around it might"
        ),
    }
    if let Err(why) = containment.syscalls {
        crate::eprintln_printable!(
            "note: no syscall filter ({why}): that no program runs rests on the shell's trace and the file sandbox"
        );
    }
    if options.keep {
        let kept = work.keep();
        crate::eprintln_printable!("work folder kept: {}", kept.display());
    }
    Ok(match status {
        Ok(status) => Ended::Exit(status.code().unwrap_or(128)),
        Err(super::sandbox::Stop::Time) => Ended::TimedOut,
        Err(super::sandbox::Stop::Processes) => Ended::TooManyProcesses,
    })
}

fn find_bash() -> std::path::PathBuf {
    std::env::var_os("PATH")
        .and_then(|paths| {
            std::env::split_paths(&paths)
                .map(|dir| dir.join("bash"))
                .find(|p| p.is_file())
        })
        .unwrap_or_else(|| "/bin/bash".into())
}

/// Variables that would change how bash starts or finds commands.
const UNSAFE_ENV: &[&str] = &[
    "BASH_ENV",
    "ENV",
    "SHELLOPTS",
    "BASHOPTS",
    "CDPATH",
    "GLOBIGNORE",
    "PROMPT_COMMAND",
    "PS4",
    "IFS",
    "BASH_XTRACEFD",
    "EXECIGNORE",
    "BASH_COMPAT",
    "POSIXLY_CORRECT",
];

/// Bash's builtins (`compgen -b`). The trace's own functions call them,
/// and bash runs no DEBUG trap inside a trap: a function of the runbook
/// named like one (`printf() { ...; }`) would run there unwatched, where
/// `/bin/rm` is the real one.
const BUILTINS: &[&str] = &[
    ".",
    ":",
    "[",
    "alias",
    "bg",
    "bind",
    "break",
    "builtin",
    "caller",
    "cd",
    "command",
    "compgen",
    "complete",
    "compopt",
    "continue",
    "declare",
    "dirs",
    "disown",
    "echo",
    "enable",
    "eval",
    "exec",
    "exit",
    "export",
    "false",
    "fc",
    "fg",
    "getopts",
    "hash",
    "help",
    "history",
    "jobs",
    "kill",
    "let",
    "local",
    "logout",
    "mapfile",
    "popd",
    "printf",
    "pushd",
    "pwd",
    "read",
    "readarray",
    "readonly",
    "return",
    "set",
    "shift",
    "shopt",
    "source",
    "suspend",
    "test",
    "times",
    "trap",
    "true",
    "type",
    "typeset",
    "ulimit",
    "umask",
    "unalias",
    "unset",
    "wait",
];

/// A function definition: `function NAME` or `NAME ()`. Bash takes a
/// function's name only as written, unquoted, so the text says them all.
static DEFINITION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?m)(?:^|[\s;&|(){}])(?:function[ \t]+(?P<keyword>[^\s(){};&|<>]+)|(?P<parens>[^\s(){};&|<>'\x22\\$`=]+)[ \t]*\([ \t]*\))").unwrap()
});

/// The first function the script defines under a builtin's name, with its
/// line in the script: such a script is refused, not run.
pub fn shadowed_builtin(text: &str) -> Option<(usize, &str)> {
    let scan = shell::scan(text);
    DEFINITION.captures_iter(text).find_map(|caps| {
        let name = caps.name("keyword").or_else(|| caps.name("parens"))?;
        let code = scan.quoting_at(name.start()) == shell::Quoting::Plain;
        (code && BUILTINS.contains(&name.as_str())).then(|| {
            (
                text[..name.start()].matches('\n').count() + 1,
                name.as_str(),
            )
        })
    })
}

/// The prelude, then the script rewritten by [`rewrite`]. The
/// prelude's line count is fixed, so script lines keep a known offset.
fn program(rb: &Runbook, script: &Script, root: &Path, stubs: &Stubs) -> String {
    let mut prelude = String::new();
    let _ = writeln!(prelude, "__rb_work={}", quote(&root.to_string_lossy()));
    let _ = writeln!(prelude, "__rb_file={}", quote(&rb.doc.rel));
    let patterns: Vec<String> = stubs.stubs.iter().map(|s| quote(&s.command)).collect();
    let outs: Vec<String> = stubs.stubs.iter().map(|s| quote(&s.stdout)).collect();
    let errs: Vec<String> = stubs.stubs.iter().map(|s| quote(&s.stderr)).collect();
    let codes: Vec<String> = stubs.stubs.iter().map(|s| s.exit.to_string()).collect();
    let _ = writeln!(
        prelude,
        "__rb_stub_pat=({})",
        patterns.join(" ").replace('\n', "'$'\\n''")
    );
    let _ = writeln!(
        prelude,
        "__rb_stub_out=({})",
        outs.join(" ").replace('\n', "'$'\\n''")
    );
    let _ = writeln!(
        prelude,
        "__rb_stub_err=({})",
        errs.join(" ").replace('\n', "'$'\\n''")
    );
    let _ = writeln!(prelude, "__rb_stub_code=({})", codes.join(" "));
    prelude.push_str(PRELUDE);
    let offset = prelude.lines().count() + 1;
    let mut map = String::from("declare -grA __rb_md=(");
    for (i, origin) in script.origin.iter().enumerate() {
        if let Some((_, md)) = origin {
            let _ = write!(map, "[{}]={md} ", i + offset + 1);
        }
    }
    map.push(')');
    prelude.push_str(&map);
    prelude.push('\n');
    // Step headers with the trace, on one stream written by one process:
    // on two, read by two threads, a merged log (`2>&1`) would show a
    // step's commands before its header, differently from run to run.
    let trace = trace_fd(&script.text);
    let headers = STEP_HEADER.replace(">&2", &format!(">&{trace}"));
    prelude.push_str(&rewrite(&script.text).replace(STEP_HEADER, &headers));
    prelude.replace(TRACE_FD, &trace.to_string())
}

/// Where [`PRELUDE`] writes the trace, in its text.
const TRACE_FD: &str = "@TRACE_FD@";

/// The descriptor the trace goes to: one the script never redirects
/// (`{ rm -rf ~/x; } 62>/dev/null` would hide its commands from the
/// trace), found in its text with line continuations joined, as bash
/// reads it. A descriptor in a variable (`{fd}>`) is one bash picks
/// among the free ones, never the trace's.
fn trace_fd(text: &str) -> u32 {
    let joined = text.replace("\\\n", "");
    (62..)
        .find(|fd| {
            let fd = fd.to_string();
            !joined
                .match_indices(&fd)
                .any(|(at, _)| matches!(joined.as_bytes().get(at + fd.len()), Some(b'<' | b'>')))
        })
        .expect("a script names finitely many descriptors")
}

/// `cmd > target` -> `cmd > "$(__rb_path w target)"`, same for `<`; and
/// `a | cmd` -> `a |{ cmd; __rb_drain $?; }` (see [`DRAIN`]).
fn rewrite(text: &str) -> String {
    let scan = shell::scan(text);
    let mut edits: Vec<(std::ops::Range<usize>, String)> = scan
        .redirects
        .iter()
        .map(|r| (r.clone(), 'w'))
        .chain(scan.inputs.iter().map(|r| (r.clone(), 'r')))
        .map(|(r, mode)| (r.clone(), format!("\"$(__rb_path {mode} {})\"", &text[r])))
        .collect();
    for piped in &scan.piped {
        edits.push((piped.start..piped.start, "{ ".into()));
        edits.push((piped.end..piped.end, format!("; {DRAIN}; }}")));
    }
    edits.sort_by_key(|(r, _)| (r.start, r.end));
    let mut out = String::with_capacity(text.len() + edits.len() * 24);
    let mut last = 0;
    for (range, with) in edits {
        // Inside a target already rewritten, which keeps its text as written.
        if range.start < last {
            continue;
        }
        out.push_str(&text[last..range.start]);
        out.push_str(&with);
        last = range.end;
    }
    out.push_str(&text[last..]);
    out
}

/// What follows a command that reads a pipe: reads what the command left
/// in it, then gives back the command's status.
///
/// Stubs read no input: inside `... | while read -r x; do cmd "$x"; done`,
/// `done < <(...)`, `<<< "$lines"` or a here-document (a pipe too, since
/// bash 5.1), a stub's standard input is the loop's, and reading it would
/// end the loop after one turn where the real run goes through every line;
/// as a coprocess, reading would wait for an end of file that never comes.
/// But a command right after a `|` (`cat x | kubectl apply -f -`) stands
/// for one that reads the pipe: if its stub did not, the writer could die
/// of SIGPIPE and, under `pipefail`, fail a runbook that works. So the
/// script reads what is left in that pipe after the command, and only
/// there: the lexer knows which simple commands follow a `|`; a loop after
/// one reads the pipe itself.
const DRAIN: &str = "{ __rb_drain $?; } 2>/dev/null";

const PRELUDE: &str = r##"exec @TRACE_FD@>&1
shopt -s extdebug
__rb_bin=$PATH

# One trace line: step, Markdown line, the command as bash expanded it.
__rb_trace() {
  local kind=$1 line=$2 note=$3 step=main f a i words=
  shift 3
  # The step as named, found by its function's name (`restart_web` and
  # `restart-web` cannot both be steps: their functions would be one).
  for f in "${FUNCNAME[@]}"; do
    [[ $f == step_* ]] || continue
    for i in "${!RUNBOOK_STEPS[@]}"; do
      if [[ $f == "step_${RUNBOOK_STEPS[i]//-/_}" ]]; then step=${RUNBOOK_STEPS[i]}; fi
    done
    break
  done
  for a in "$@"; do
    if [[ $a =~ ^[A-Za-z0-9_./:=@%+,-]+$ ]]; then words+=" $a"; else words+=" ${a@Q}"; fi
  done
  printf '[%s] %s:%s %s%s%s\n' "$step" "$__rb_file" "${__rb_md[$line]-?}" "$kind" "$words" "${note:+  ($note)}" >&@TRACE_FD@
}

# An intercepted command: recorded, answered from the stubs, never run.
__rb_external() {
  local line=$1 i cmdline
  shift
  cmdline="$*"
  for i in "${!__rb_stub_pat[@]}"; do
    # shellcheck disable=SC2053
    if [[ $cmdline == ${__rb_stub_pat[i]} ]]; then
      __rb_trace '$' "$line" '' "$@"
      printf '%s' "${__rb_stub_out[i]}"
      printf '%s' "${__rb_stub_err[i]}" >&2
      if ((__rb_stub_code[i] != 0)); then
        printf '    (stub: exit %s)\n' "${__rb_stub_code[i]}" >&@TRACE_FD@
      fi
      return "${__rb_stub_code[i]}"
    fi
  done
  __rb_trace '$' "$line" '' "$@"
  if [[ $1 == command && ( ${2-} == -v || ${2-} == -V ) ]]; then printf '%s\n' "${3-}"; fi
  return 0
}

# After a command that reads a pipe: what it left there, read to the end
# (see DRAIN in dry_run.rs). Returns the command's status, $1.
__rb_drain() {
  local __rb_x __rb_status=$1
  # In large pieces: the trap runs before each command, even here.
  while IFS= read -r -N 65536 __rb_x; do :; done
  return "$__rb_status"
}

# Runs in the child bash forked for the command, so `set +x` ends with it.
command_not_found_handle() { { set +x; } 2>/dev/null; __rb_external "${BASH_LINENO[0]}" "$@"; }
for __rb_b in cd pushd popd kill trap exec ulimit umask hash history shopt enable complete \
    compgen bind fc suspend disown command source . times; do
  eval "$__rb_b() { __rb_external \"\${BASH_LINENO[0]}\" $__rb_b \"\$@\"; }"
done

# Where a redirection may write: inside the work folder, or /dev/null and
# the standard streams. Anything else is kept under .runbook/outside.
__rb_path() {
  local mode=$1 p abs part out=() parts
  shift
  p="$*"
  if [[ $p == /* ]]; then abs=$p; else abs=$PWD/$p; fi
  IFS=/ read -ra parts <<< "$abs"
  for part in "${parts[@]}"; do
    case $part in
      ''|.) ;;
      ..) if ((${#out[@]})); then unset 'out[-1]'; fi ;;
      *) out+=("$part") ;;
    esac
  done
  abs=/$(IFS=/; printf '%s' "${out[*]}")
  if [[ $mode == r ]]; then
    if [[ $abs == /dev/tcp/* || $abs == /dev/udp/* ]]; then
      __rb_trace '<' "${BASH_LINENO[0]}" "network: reads /dev/null instead" "$abs"
      printf '/dev/null'
    else
      printf '%s' "$p"
    fi
    return 0
  fi
  case $abs in
    "$__rb_work"/*|/dev/null|/dev/stdout|/dev/stderr|/dev/fd/*|/proc/self/fd/*) printf '%s' "$abs" ;;
    *)
      __rb_trace '>' "${BASH_LINENO[0]}" "outside the work folder: written to .runbook/outside instead" "$abs"
      printf '%s' "$__rb_work/.runbook/outside/${abs//\//%}" ;;
  esac
}

# The command word of a simple command as written, after assignments.
__rb_word_end() {
  local s=$1 i=0 n=${#1} c= prev depth=0 q=
  while ((i < n)); do
    prev=$c c=${s:i:1}
    if [[ -n $q ]]; then
      if [[ $c == '\' && $q == '"' ]]; then i=$((i + 2)); continue; fi
      if [[ $c == "$q" ]]; then q=; fi
    elif [[ $c == '\' ]]; then i=$((i + 1))
    elif [[ $c == "'" || $c == '"' || $c == '`' ]]; then q=$c
    elif [[ $c == '(' || ( $c == '{' && $prev == '$' ) ]]; then depth=$((depth + 1))
    elif [[ ( $c == ')' || $c == '}' ) ]] && ((depth > 0)); then depth=$((depth - 1))
    elif ((depth == 0)) && [[ $c == [[:space:]\;\&\|\<\>\(\)] ]]; then break
    fi
    i=$((i + 1))
  done
  __rb_len=$i
}

__rb_refuse() {
  printf '[refused] %s:%s %s  (%s)\n' "$__rb_file" "${__rb_md[$2]-?}" "$1" "$3" >&@TRACE_FD@
  return 1
}

# Whether `set ARGS` leaves alone what the containment needs: `+T`
# (functrace) would stop the trap at functions and subshells, `-o posix`
# would put `exec` and `trap` before the functions that record them. Only
# literal options pass; after `--` or the first other word, the rest are
# positional parameters, and __rb_moves is set to say so.
__rb_set_ok() {
  local IFS=$' \t\n' w name=0 words
  read -ra words <<< "$1"
  for w in "${words[@]}"; do
    if ((name)); then
      [[ $w =~ ^[a-z]+$ && $w != functrace && $w != posix ]] || return 1
      name=0
      continue
    fi
    case $w in
      --|-) __rb_moves=1; return 0 ;;
      [-+]*)
        [[ $w =~ ^[-+][A-Za-z]+$ && $w != *T* ]] || return 1
        [[ $w == *o* ]] && name=1 ;;
      *) [[ $w =~ ^[A-Za-z0-9_./:=@%+,-]+$ ]] || return 1; __rb_moves=1; return 0 ;;
    esac
  done
  return 0
}

# The value of a command word written as one expansion, found without
# expanding it here (where it could run code outside the trace): `$name`,
# `${name}`, `${name[N]}`, `${name[@]}`, `${name:-word}`, `$1`, `"$@"`,
# quoted or not. Sets __rb_name; fails for anything else, a name reference,
# or a word that would vanish or split in ways not followed.
__rb_resolve() {
  local w=$1 quoted=0 name sub= dash= default= has=0 value ref depth argc base k total=0
  local values=()
  if [[ $w == \"*\" ]]; then quoted=1; w=${w:1:${#w}-2}; fi
  if [[ $w =~ ^\$([A-Za-z_][A-Za-z0-9_]*|[0-9@*])$ ]]; then
    name=${BASH_REMATCH[1]}
  elif [[ $w =~ ^\$\{([A-Za-z_][A-Za-z0-9_]*|[0-9]+|[@*])(\[([0-9]+|[@*])\])?((:?-)([A-Za-z0-9_./:+@%,=~-]*))?\}$ ]]; then
    name=${BASH_REMATCH[1]} sub=${BASH_REMATCH[3]} dash=${BASH_REMATCH[5]} default=${BASH_REMATCH[6]}
  else
    return 1
  fi
  if [[ $name =~ ^[0-9@*]+$ ]]; then
    [[ -z $sub ]] || return 1
    # The arguments of the function running the command, below this
    # function's and __rb_debug's in BASH_ARGV (the script's own are not
    # followed), unless `shift` or `set` changed them since.
    depth=$((${#FUNCNAME[@]} - 2))
    ((depth >= 2)) && [[ -z ${__rb_moved[depth]-} ]] || return 1
    # Bash keeps them in step with the call stack; tampered with, they are not.
    for k in "${BASH_ARGC[@]}"; do total=$((total + k)); done
    ((${#BASH_ARGC[@]} == ${#FUNCNAME[@]} && total == ${#BASH_ARGV[@]})) || return 1
    argc=${BASH_ARGC[2]-0} base=$((BASH_ARGC[0] + BASH_ARGC[1]))
    if [[ $name == [@*] ]]; then
      for ((k = 1; k <= argc; k++)); do values+=("${BASH_ARGV[base + argc - k]}"); done
      ((${#values[@]})) && has=1
      [[ $name == '*' && $quoted == 1 ]] && return 1
    elif ((name >= 1 && name <= argc)); then
      values=("${BASH_ARGV[base + argc - name]}") has=1
    fi
  else
    [[ -R $name ]] && return 1
    if [[ -n $sub ]]; then
      ref="$name[$sub]"
      [[ $sub == [@*] ]] && ref="$name[@]"
      values=("${!ref}")
      [[ $sub == '*' && $quoted == 1 ]] && return 1
      ((${#values[@]})) && has=1
    elif [[ -v $name ]]; then
      values=("${!name}") has=1
    fi
  fi
  value=${values[0]-}
  if [[ -n $dash ]] && { ((has == 0)) || [[ $dash == :- && -z $value ]]; }; then
    value=$default has=1
  fi
  if ((quoted == 0)); then
    # Split and globbed: followed only with the default IFS and no pattern.
    [[ ${IFS-$' \t\n'} == $' \t\n' && $value != *[][*?]* ]] || return 1
    value=${value#"${value%%[![:space:]]*}"}
    value=${value%%[[:space:]]*}
  fi
  # A word that expands to nothing makes the next word the command.
  [[ -n $value ]] || return 1
  __rb_name=$value
}

# Commands of the prelude's own functions are not the runbook's.
__rb_debug() {
  [[ " $__rb_functions " == *" ${FUNCNAME[1]-} "* ]] && return 0
  [[ $BASH_COMMAND == '__rb_drain $?' ]] && return 0
  PATH=$__rb_bin
  builtin hash -r
  local __rb_s=$BASH_COMMAND __rb_cw __rb_name __rb_line=${BASH_LINENO[0]} __rb_ps=0
  # What the trap relies on, named outright on a runbook's line (other than
  # the redirections rewritten to go through __rb_path).
  local __rb_own=${__rb_s//'$(__rb_path '/}
  __rb_own=${__rb_own#__rb_path }
  if [[ -n ${__rb_md[$__rb_line]-} && ( $__rb_own == *__rb_* || $__rb_own == *BASH_ARG[CV]* ) ]]; then
    __rb_refuse "$__rb_s" "$__rb_line" "touches the dry run's own state"; return 1
  fi
  while :; do
    __rb_s=${__rb_s#"${__rb_s%%[![:space:]]*}"}
    [[ -z $__rb_s || $__rb_s == '('* ]] && return 0
    __rb_word_end "$__rb_s"
    __rb_cw=${__rb_s:0:__rb_len}
    ((__rb_len > 0)) || return 0
    if [[ $__rb_cw =~ ^[A-Za-z_][A-Za-z0-9_]*(\[[^]]*\])?\+?= ]]; then
      if [[ $__rb_cw =~ ^(PATH|BASH_CMDS|BASH_ALIASES|BASH_ENV)[+=[] ]]; then __rb_ps=1; fi
      # A name reference may stand for any of them (`declare -n p=PATH`).
      if [[ -R ${__rb_cw%%[+=[]*} ]]; then __rb_ps=1; fi
      __rb_s=${__rb_s:__rb_len}
      continue
    fi
    break
  done
  [[ -z $__rb_cw ]] && return 0
  if ((__rb_ps)); then __rb_refuse "$BASH_COMMAND" "$__rb_line" "sets PATH, BASH_ENV or a command table, or a name reference, for one command"; return 1; fi
  __rb_name=$__rb_cw
  if [[ ! $__rb_cw =~ ^[A-Za-z0-9_./:+@%,=-]+$ ]]; then
    if [[ $__rb_cw == *'$'* ]]; then
      __rb_resolve "$__rb_cw" || { __rb_refuse "$BASH_COMMAND" "$__rb_line" "a command name the dry run cannot work out before it runs"; return 1; }
    elif [[ $__rb_cw == *[\`\(\<\>]* ]]; then
      __rb_refuse "$BASH_COMMAND" "$__rb_line" "command name"; return 1
    elif [[ $__rb_cw == *[[:space:]{}*?[]* && $__rb_cw != '[' && $__rb_cw != '[[' ]]; then
      # Brace expansion or a pattern makes the name only as bash runs it
      # (`{builtin,trap}`, `buil?in`); a space would end the word.
      __rb_refuse "$BASH_COMMAND" "$__rb_line" "a command name made by brace expansion or a pattern"; return 1
    else
      # Only quoting left: removing it runs nothing.
      eval "__rb_name=$__rb_cw" 2>/dev/null || { __rb_refuse "$BASH_COMMAND" "$__rb_line" "command name"; return 1; }
    fi
  fi
  case $__rb_name in
    eval|builtin) __rb_refuse "$BASH_COMMAND" "$__rb_line" "a dry run cannot follow $__rb_name"; return 1 ;;
    set)
      local __rb_moves=0
      if ! __rb_set_ok "${__rb_s:__rb_len}"; then
        __rb_refuse "$BASH_COMMAND" "$__rb_line" "set may not turn off the trace (-T) or turn on POSIX mode, and takes literal options"; return 1
      fi
      if ((__rb_moves)); then __rb_moved[${#FUNCNAME[@]} - 1]=1; fi ;;
    shift) __rb_moved[${#FUNCNAME[@]} - 1]=1 ;;
    */*)
      if [[ ! $__rb_name =~ ^[A-Za-z0-9_./+@%:,~][A-Za-z0-9_./+@%:,~-]*$ ]]; then
        __rb_refuse "$BASH_COMMAND" "$__rb_line" "command path"; return 1
      fi
      if ! declare -F "$__rb_name" >/dev/null; then
        eval "function $__rb_name { __rb_external \"\${BASH_LINENO[0]}\" \"\$FUNCNAME\" \"\$@\"; }"
      fi ;;
  esac
  return 0
}

# Not for __rb_drain, which only hands on a status (bash names its last
# command when the call fails); nor for a pipeline whose
# last command failed: that command is one a pipe feeds (rewritten to drain
# the pipe after it) or a compound command, which said what failed in its
# own process, and bash would name the first command here.
__rb_failed() {
  local statuses=("${PIPESTATUS[@]}")
  [[ -n ${__rb_md[$2]-} && $BASH_COMMAND != 'return "$__rb_status"' ]] || return 0
  ((${#statuses[@]} == 1 || statuses[-1] == 0)) || return 0
  local note="exit $1"
  if [[ $1 == 1 && $BASH_COMMAND =~ ^read([[:space:]]|$) ]]; then
    note+=": no answer left on standard input; give one with --answer or dry_run: answers"
  fi
  __rb_trace 'failed:' "$2" "$note" "$BASH_COMMAND"
}

# Which functions' positional parameters `shift` or `set` changed, by
# depth: BASH_ARGV, which __rb_resolve reads, does not follow them.
declare -a __rb_moved=()
__rb_return() { unset '__rb_moved[${#FUNCNAME[@]} - 1]'; }

__rb_functions="__rb_trace __rb_external __rb_drain __rb_path __rb_word_end __rb_refuse __rb_debug \
__rb_failed __rb_set_ok __rb_resolve __rb_return command_not_found_handle"
readonly -f $__rb_functions cd pushd popd kill trap exec ulimit umask hash history shopt enable \
  complete compgen bind fc suspend disown command source . times
readonly __rb_functions __rb_work __rb_file __rb_bin __rb_stub_pat __rb_stub_out __rb_stub_err __rb_stub_code
# An expansion in a command's arguments runs after the trap: one setting
# `${BASH_CMDS[x]=/bin/rm}` would have bash run `x` from that path.
readonly BASH_CMDS BASH_ALIASES
# Set, it would turn on POSIX mode, where `exec` and `trap` come before functions.
readonly POSIXLY_CORRECT
# Set, it would stop every function call past that depth, the trace's own.
readonly FUNCNEST
# Say which command of the runbook failed, since `set -e` exits silently.
set -E
builtin trap '{ __rb_failed $? $LINENO; } 2>/dev/null' ERR
# Prompt expansion would run `$(...)` in PS4 (`set -x`) outside the trace.
builtin shopt -u promptvars
# Under `set -x`, the traps' own commands would fill the trace.
builtin trap '{ __rb_return; } 2>/dev/null' RETURN
builtin trap '{ __rb_debug; } 2>/dev/null' DEBUG
"##;
