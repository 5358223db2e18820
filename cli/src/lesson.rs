//! `streamlab lesson list|show|check|index`: the study notes' guided path,
//! headless. Lessons are read from a folder (`tests/lessons` unless
//! `--dir` says otherwise); a malformed file is reported with its line and
//! the other lessons still load.

use clap::Subcommand;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use streamlab_core::lesson::{self, Action, Lang, Lesson};

#[derive(Subcommand)]
pub enum LessonCmd {
    /// Print "ID<TAB>TITLE" for every lesson, in the path's order.
    List {
        #[arg(long, default_value = "zh")]
        lang: String,
        #[arg(long, default_value = "tests/lessons")]
        dir: PathBuf,
    },
    /// Print a lesson's steps: text, prediction, action, what to look at, checks, takeaway.
    Show {
        /// The lesson's id (`acks`) or file name (`12-acks`).
        id: String,
        #[arg(long, default_value = "zh")]
        lang: String,
        #[arg(long, default_value = "tests/lessons")]
        dir: PathBuf,
    },
    /// Perform every step's action as the learner would and verify its checks.
    Check {
        /// The lesson's id or file name (or --all).
        #[arg(required_unless_present = "all", conflicts_with = "all")]
        id: Option<String>,
        /// Every lesson of the folder.
        #[arg(long)]
        all: bool,
        #[arg(long, default_value = "tests/lessons")]
        dir: PathBuf,
    },
    /// Print the index the page fetches (`tests/lessons/index.tsv`).
    Index {
        #[arg(long, default_value = "tests/lessons")]
        dir: PathBuf,
    },
}

/// The lessons of a folder in the path's order, and the files that failed.
struct Loaded {
    lessons: Vec<Lesson>,
    errors: Vec<String>,
}

fn load(dir: &Path) -> Result<Loaded, String> {
    let rd = std::fs::read_dir(dir).map_err(|e| {
        format!(
            "{}: {e} (run from the repository, or give --dir)",
            dir.display()
        )
    })?;
    let mut files: Vec<PathBuf> = rd
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "lesson"))
        .collect();
    files.sort();
    let mut loaded = Loaded {
        lessons: Vec::new(),
        errors: Vec::new(),
    };
    for f in files {
        let name = f
            .file_stem()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        match std::fs::read_to_string(&f) {
            Err(e) => loaded.errors.push(format!("lesson {name}: {e}")),
            Ok(text) => match lesson::parse(&name, &text) {
                Ok(l) => loaded.lessons.push(l),
                Err(e) => loaded.errors.push(e.to_string()),
            },
        }
    }
    Ok(loaded)
}

fn find<'a>(lessons: &'a [Lesson], id: &str) -> Option<&'a Lesson> {
    lessons.iter().find(|l| l.id == id || l.name == id)
}

fn report_errors(errors: &[String]) {
    for e in errors {
        eprintln!("streamlab: {e}");
    }
}

fn lang(s: &str) -> Result<Lang, String> {
    s.parse()
}

pub fn run(cmd: LessonCmd) -> Result<ExitCode, String> {
    match cmd {
        LessonCmd::List { lang: l, dir } => {
            let lang = lang(&l)?;
            let loaded = load(&dir)?;
            let mut out = String::new();
            for l in &loaded.lessons {
                let _ = writeln!(out, "{}\t{}", l.id, l.title.get(lang));
            }
            print!("{out}");
            report_errors(&loaded.errors);
            Ok(exit(loaded.errors.is_empty()))
        }
        LessonCmd::Show { id, lang: l, dir } => {
            let lang = lang(&l)?;
            let loaded = load(&dir)?;
            let Some(lesson) = find(&loaded.lessons, &id) else {
                report_errors(&loaded.errors);
                return Err(format!("no lesson {id} in {}", dir.display()));
            };
            print!("{}", show(lesson, lang));
            Ok(ExitCode::SUCCESS)
        }
        LessonCmd::Check { id, all, dir } => {
            let loaded = load(&dir)?;
            report_errors(&loaded.errors);
            let chosen: Vec<&Lesson> = if all {
                loaded.lessons.iter().collect()
            } else {
                let id = id.unwrap_or_default();
                match find(&loaded.lessons, &id) {
                    Some(l) => vec![l],
                    None if !loaded.errors.is_empty() => return Ok(ExitCode::FAILURE),
                    None => return Err(format!("no lesson {id} in {}", dir.display())),
                }
            };
            let mut ok = loaded.errors.is_empty() || !all;
            for l in chosen {
                match lesson::check_lesson(l) {
                    Ok(steps) => {
                        let checks: usize = steps.iter().map(|s| s.verdicts.len()).sum();
                        println!("ok\t{}\t{} steps, {checks} checks", l.name, steps.len());
                    }
                    Err(e) => {
                        ok = false;
                        println!("FAILED\t{}", l.name);
                        eprintln!("streamlab: {e}");
                    }
                }
            }
            Ok(exit(ok))
        }
        LessonCmd::Index { dir } => {
            let loaded = load(&dir)?;
            if !loaded.errors.is_empty() {
                report_errors(&loaded.errors);
                return Ok(ExitCode::FAILURE);
            }
            print!("{}", lesson::index(&loaded.lessons));
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn exit(ok: bool) -> ExitCode {
    if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

/// The labels of `show`, per language.
struct Labels {
    lesson: &'static str,
    notes: &'static str,
    setup: &'static str,
    step: &'static str,
    real: &'static str,
    predict: &'static str,
    answer: &'static str,
    type_: &'static str,
    click: &'static str,
    writes: &'static str,
    look: &'static str,
    check: &'static str,
    takeaway: &'static str,
}

const ZH: Labels = Labels {
    lesson: "课程",
    notes: "笔记",
    setup: "准备",
    step: "第",
    real: "真实的 Kafka",
    predict: "先预测",
    answer: "答案",
    type_: "输入",
    click: "点击",
    writes: "写入",
    look: "请看",
    check: "检查",
    takeaway: "要点",
};

const EN: Labels = Labels {
    lesson: "Lesson",
    notes: "Notes",
    setup: "Setup",
    step: "Step",
    real: "Real Kafka",
    predict: "Predict",
    answer: "Answer",
    type_: "Type",
    click: "Click",
    writes: "writes",
    look: "Look at",
    check: "Check",
    takeaway: "Takeaway",
};

fn notes(lines: &[lesson::NoteLines]) -> String {
    lines
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

fn indent(text: &str, by: &str) -> String {
    let mut out = String::new();
    for l in text.lines() {
        if l.is_empty() {
            out.push('\n');
        } else {
            let _ = writeln!(out, "{by}{l}");
        }
    }
    out
}

/// A lesson as text, in one language.
fn show(l: &Lesson, lang: Lang) -> String {
    let t = if lang == Lang::Zh { &ZH } else { &EN };
    let mut out = String::new();
    let position = l.position.map_or(String::new(), |p| format!(" {p}"));
    let _ = writeln!(out, "{}{position} · {}", t.lesson, l.title.get(lang));
    let _ = writeln!(out, "{}: {}", t.notes, notes(&l.notes));
    if let Some(a) = &l.about {
        let _ = writeln!(out, "\n{}", a.get(lang));
    }
    if !l.setup.trim().is_empty() {
        let _ = writeln!(out, "\n{}:", t.setup);
        out.push_str(&indent(&l.setup, "  $ "));
    }
    for (i, s) in l.steps.iter().enumerate() {
        let n = i + 1;
        let head = if lang == Lang::Zh {
            format!("{}{n}步 · {}", t.step, s.id)
        } else {
            format!("{} {n} · {}", t.step, s.id)
        };
        let _ = writeln!(out, "\n{head}  ({} {})", t.notes, notes(&s.notes));
        out.push_str(&indent(s.text.get(lang), "  "));
        if let Some(r) = &s.real {
            let _ = writeln!(out, "  {}:", t.real);
            out.push_str(&indent(r.get(lang), "    "));
        }
        if let Some(p) = &s.predict {
            let _ = writeln!(out, "  {}: {}", t.predict, p.question.get(lang));
            for (c, choice) in p.choices.iter().enumerate() {
                let _ = writeln!(out, "    {}) {}", c + 1, choice.get(lang));
            }
            let _ = writeln!(
                out,
                "    {}: {} — {}",
                t.answer,
                p.answer + 1,
                p.why.get(lang)
            );
        }
        for a in &s.actions {
            match a {
                Action::Type { command, .. } => {
                    let _ = writeln!(out, "  {}:", t.type_);
                    // `$ ` before the command only, not its here-document.
                    let (first, rest) = command.split_once('\n').unwrap_or((command, ""));
                    let _ = writeln!(out, "    $ {first}");
                    out.push_str(&indent(rest, "      "));
                }
                Action::Click {
                    control, command, ..
                } => {
                    let _ = writeln!(out, "  {}: {control} ({} `{command}`)", t.click, t.writes);
                }
            }
        }
        if !s.look.is_empty() {
            let _ = writeln!(out, "  {}: {}", t.look, s.look.join(", "));
        }
        for c in &s.checks {
            let _ = writeln!(out, "  {}: {}", t.check, c.source);
        }
        let _ = writeln!(out, "  {}: {}", t.takeaway, s.takeaway.get(lang));
    }
    out
}
