//! Bounds on what a template may ask of Tera, checked before a page is
//! rendered. Tera parses and renders by recursion with no depth limit, so
//! a template that nests deep enough, or calls itself, overflows the stack
//! and aborts the whole process (`serve` included) with no word about
//! which template. Templates come with the repository, so a pull request
//! can change them: each bound here turns such a template into an error
//! that names it and its line.

use std::collections::HashMap;

use tera::ast::{Expr, ExprVal, Node};

/// The longest `{{ ... }}` or `{% ... %}` tag, in bytes. Tera nests an
/// expression one level per operator or bracket: a tag of 50,000 `+`
/// overflowed the stack, and a real tag is a line at most.
pub const MAX_TAG: usize = 4096;

/// How deep `{% if %}`, `{% for %}`, `{% block %}`, `{% macro %}` and
/// `{% filter %}` may nest (5,000 overflowed the stack).
pub const MAX_NESTING: usize = 100;

/// Tags that open a body closed by an `end...` tag.
const OPENING: &[&str] = &["if", "for", "block", "macro", "filter"];

/// Checks a template's text before Tera parses it: no tag longer than
/// [`MAX_TAG`], no body nested deeper than [`MAX_NESTING`].
pub fn check_text(name: &str, text: &str) -> Result<(), String> {
    let mut depth = 0usize;
    let mut at = 0;
    while let Some(found) = text[at..].find('{') {
        let start = at + found;
        let rest = &text[start..];
        let close = match rest.as_bytes().get(1) {
            Some(b'{') => "}}",
            Some(b'%') => "%}",
            Some(b'#') => "#}",
            _ => {
                at = start + 1;
                continue;
            }
        };
        let Some(length) = rest[2..].find(close).map(|n| n + 4) else {
            // Unclosed: Tera's own parser reports it.
            return Ok(());
        };
        let tag = &rest[..length];
        let line = || text[..start].matches('\n').count() + 1;
        at = start + length;
        if close == "#}" {
            continue;
        }
        if tag.len() > MAX_TAG {
            return Err(format!(
                "template `{name}`, line {}: a tag of {} bytes; tags may be {MAX_TAG} bytes at most (Tera nests an expression as deep as it is long, and overflows its stack)",
                line(),
                tag.len()
            ));
        }
        if close != "%}" {
            continue;
        }
        let word = tag[2..tag.len() - 2]
            .trim_matches(|c: char| c == '-' || c.is_whitespace())
            .split(|c: char| !c.is_ascii_alphanumeric() && c != '_')
            .next()
            .unwrap_or("");
        if word == "raw" {
            // Its body is text, not tags.
            let end = text[at..].find("endraw").map_or(text.len(), |n| at + n);
            at = end;
        } else if OPENING.contains(&word) {
            depth += 1;
            if depth > MAX_NESTING {
                return Err(format!(
                    "template `{name}`, line {}: `{{% {word} %}}` nested {depth} deep; bodies may nest {MAX_NESTING} deep at most (Tera renders them by recursion, and overflows its stack)",
                    line()
                ));
            }
        } else if word.starts_with("end") {
            depth = depth.saturating_sub(1);
        }
    }
    Ok(())
}

/// A template, or a macro of a template file.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum Unit {
    Template(String),
    Macro { file: String, name: String },
}

impl Unit {
    fn file(&self) -> &str {
        match self {
            Unit::Template(name) | Unit::Macro { file: name, .. } => name,
        }
    }

    /// How an error about template file `from` names it.
    fn named_from(&self, from: &str) -> String {
        match self {
            Unit::Template(name) => format!("`{name}`"),
            Unit::Macro { file, name } if file == from => format!("macro `{name}`"),
            Unit::Macro { file, name } => format!("macro `{name}` of `{file}`"),
        }
    }
}

/// Refuses templates that render themselves: a macro that calls itself,
/// a template that includes itself, or any longer loop of macro calls,
/// includes and `extends`. Tera follows such a loop until the stack
/// overflows, whatever the data, or as deep as the data says; templates
/// that nest a tree can loop over it instead.
pub fn check_recursion(tera: &tera::Tera) -> Result<(), String> {
    let mut calls: HashMap<Unit, Vec<Unit>> = HashMap::new();
    for (name, template) in &tera.templates {
        let imports: HashMap<&str, &str> = template
            .imported_macro_files
            .iter()
            .map(|(file, namespace)| (namespace.as_str(), file.as_str()))
            .collect();
        let scope = Scope {
            file: name,
            imports: &imports,
        };
        let mut from_template = Vec::new();
        if let Some(parent) = &template.parent {
            from_template.push(Unit::Template(parent.clone()));
        }
        scope.nodes(&template.ast, &mut from_template);
        calls.insert(Unit::Template(name.clone()), from_template);
        for (macro_name, definition) in &template.macros {
            let mut from_macro = Vec::new();
            scope.nodes(&definition.body, &mut from_macro);
            let unit = Unit::Macro {
                file: name.clone(),
                name: macro_name.clone(),
            };
            calls.insert(unit, from_macro);
        }
    }
    // Depth-first, in a fixed order so the error is the same every time.
    let mut units: Vec<&Unit> = calls.keys().collect();
    units.sort();
    let mut done = std::collections::HashSet::new();
    for unit in units {
        let mut path = Vec::new();
        if let Some(cycle) = find_cycle(unit, &calls, &mut path, &mut done) {
            let file = cycle[0].file();
            let how = match cycle.len() {
                2 => "itself".to_string(),
                _ => {
                    let trail: Vec<String> = cycle.iter().map(|u| u.named_from(file)).collect();
                    format!("itself again: {}", trail.join(" → "))
                }
            };
            return Err(format!(
                "template `{file}`: {} renders {how}; Tera has no limit on depth and would overflow its stack: loop over the data instead",
                cycle[0].named_from(file),
            ));
        }
    }
    Ok(())
}

/// The loop through `unit`, first unit repeated at the end, if any.
fn find_cycle(
    unit: &Unit,
    calls: &HashMap<Unit, Vec<Unit>>,
    path: &mut Vec<Unit>,
    done: &mut std::collections::HashSet<Unit>,
) -> Option<Vec<Unit>> {
    if done.contains(unit) {
        return None;
    }
    if let Some(at) = path.iter().position(|u| u == unit) {
        let mut cycle = path[at..].to_vec();
        cycle.push(unit.clone());
        return Some(cycle);
    }
    path.push(unit.clone());
    for next in calls.get(unit).into_iter().flatten() {
        if let Some(cycle) = find_cycle(next, calls, path, done) {
            return Some(cycle);
        }
    }
    path.pop();
    done.insert(unit.clone());
    None
}

/// Where macro namespaces resolve: the file being read and its imports.
struct Scope<'a> {
    file: &'a str,
    imports: &'a HashMap<&'a str, &'a str>,
}

impl Scope<'_> {
    fn nodes(&self, nodes: &[Node], out: &mut Vec<Unit>) {
        for node in nodes {
            self.node(node, out);
        }
    }

    fn node(&self, node: &Node, out: &mut Vec<Unit>) {
        match node {
            Node::VariableBlock(_, expr) => self.expr(expr, out),
            Node::Include(_, names, _) => {
                out.extend(names.iter().map(|n| Unit::Template(n.clone())));
            }
            Node::Set(_, set) => self.expr(&set.value, out),
            Node::FilterSection(_, section, _) => {
                self.args(section.filter.args.values(), out);
                self.nodes(&section.body, out);
            }
            Node::Block(_, block, _) => self.nodes(&block.body, out),
            Node::Forloop(_, forloop, _) => {
                self.expr(&forloop.container, out);
                self.nodes(&forloop.body, out);
                if let Some(body) = &forloop.empty_body {
                    self.nodes(body, out);
                }
            }
            Node::If(branches, _) => {
                for (_, condition, body) in &branches.conditions {
                    self.expr(condition, out);
                    self.nodes(body, out);
                }
                if let Some((_, body)) = &branches.otherwise {
                    self.nodes(body, out);
                }
            }
            // Macro bodies are units of their own; the rest renders nothing.
            Node::MacroDefinition(..)
            | Node::Super
            | Node::Text(_)
            | Node::Extends(..)
            | Node::ImportMacro(..)
            | Node::Raw(..)
            | Node::Break(_)
            | Node::Continue(_)
            | Node::Comment(..) => {}
        }
    }

    fn args<'e>(&self, args: impl IntoIterator<Item = &'e Expr>, out: &mut Vec<Unit>) {
        for arg in args {
            self.expr(arg, out);
        }
    }

    fn expr(&self, expr: &Expr, out: &mut Vec<Unit>) {
        self.value(&expr.val, out);
        for filter in &expr.filters {
            self.args(filter.args.values(), out);
        }
    }

    fn value(&self, value: &ExprVal, out: &mut Vec<Unit>) {
        match value {
            ExprVal::MacroCall(call) => {
                let file = match call.namespace.as_str() {
                    "self" => Some(self.file),
                    namespace => self.imports.get(namespace).copied(),
                };
                if let Some(file) = file {
                    out.push(Unit::Macro {
                        file: file.to_string(),
                        name: call.name.clone(),
                    });
                }
                self.args(call.args.values(), out);
            }
            ExprVal::FunctionCall(call) => self.args(call.args.values(), out),
            ExprVal::Math(e) => self.args([&*e.lhs, &*e.rhs], out),
            ExprVal::Logic(e) => self.args([&*e.lhs, &*e.rhs], out),
            ExprVal::In(e) => self.args([&*e.lhs, &*e.rhs], out),
            ExprVal::Test(test) => self.args(&test.args, out),
            ExprVal::Array(items) => self.args(items, out),
            ExprVal::StringConcat(concat) => {
                for value in &concat.values {
                    self.value(value, out);
                }
            }
            ExprVal::String(_)
            | ExprVal::Int(_)
            | ExprVal::Float(_)
            | ExprVal::Bool(_)
            | ExprVal::Ident(_) => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tera(templates: &[(&str, &str)]) -> tera::Tera {
        let mut tera = tera::Tera::default();
        tera.add_raw_templates(templates.iter().copied()).unwrap();
        tera
    }

    #[test]
    fn loops_of_macros_includes_and_extends_are_refused() {
        let own = tera(&[(
            "m.html",
            "{% macro a(n) %}{{ self::a(n=n) }}{% endmacro a %}",
        )]);
        let e = check_recursion(&own).unwrap_err();
        assert!(
            e.starts_with("template `m.html`: macro `a` renders itself;"),
            "{e}"
        );

        let through = tera(&[(
            "m.html",
            "{% macro a() %}{{ self::b() }}{% endmacro a %}{% macro b() %}{% if x %}{{ self::a() }}{% endif %}{% endmacro b %}",
        )]);
        assert!(check_recursion(&through).is_err());

        let imported = tera(&[
            (
                "m.html",
                "{% import \"n.html\" as n %}{% macro a() %}{{ n::b() }}{% endmacro a %}",
            ),
            (
                "n.html",
                "{% import \"m.html\" as m %}{% macro b() %}{{ m::a() | upper }}{% endmacro b %}",
            ),
        ]);
        let e = check_recursion(&imported).unwrap_err();
        assert!(
            e.contains(
                "macro `a` renders itself again: macro `a` → macro `b` of `n.html` → macro `a`"
            ),
            "{e}"
        );

        let include = tera(&[("a.html", "x{% include \"a.html\" %}")]);
        let e = check_recursion(&include).unwrap_err();
        assert!(
            e.starts_with("template `a.html`: `a.html` renders itself;"),
            "{e}"
        );

        let extends = tera(&[
            (
                "base.html",
                "{% block b %}{% endblock b %}{% include \"page.html\" %}",
            ),
            (
                "page.html",
                "{% extends \"base.html\" %}{% block b %}x{% endblock b %}",
            ),
        ]);
        assert!(check_recursion(&extends).is_err());
    }

    #[test]
    fn calls_that_end_are_allowed() {
        let ok = tera(&[
            (
                "m.html",
                "{% macro a(x) %}{{ self::b(x=x) }}{{ self::b(x=x) }}{% endmacro a %}{% macro b(x) %}{{ x }}{% endmacro b %}",
            ),
            (
                "base.html",
                "{% import \"m.html\" as m %}{{ m::a(x=1) }}{% block b %}{% endblock b %}",
            ),
            (
                "page.html",
                "{% extends \"base.html\" %}{% block b %}{% include \"part.html\" %}{% endblock b %}",
            ),
            ("part.html", "{% import \"m.html\" as m %}{{ m::b(x=2) }}"),
        ]);
        check_recursion(&ok).unwrap();
    }

    #[test]
    fn long_tags_and_deep_nesting_are_refused_with_their_line() {
        let sum = format!("a\n{{{{ {} }}}}", vec!["1"; 3000].join(" + "));
        let e = check_text("t.html", &sum).unwrap_err();
        assert!(e.starts_with("template `t.html`, line 2: a tag of"), "{e}");
        let deep = format!("{}x{}", "{% if x %}".repeat(101), "{% endif %}".repeat(101));
        let e = check_text("t.html", &deep).unwrap_err();
        assert!(e.contains("nested 101 deep"), "{e}");
        let fine = format!("{}x{}", "{% if x %}".repeat(100), "{% endif %}".repeat(100));
        check_text("t.html", &fine).unwrap();
        // Siblings do not add up, and raw text and comments are not tags.
        let siblings = "{% for a in b %}{% endfor %}".repeat(500);
        check_text("t.html", &siblings).unwrap();
        let raw = format!(
            "{{% raw %}}{}{{% endraw %}}{{# {} #}}",
            "{% if x %}".repeat(200),
            "(".repeat(9000)
        );
        check_text("t.html", &raw).unwrap();
    }
}
