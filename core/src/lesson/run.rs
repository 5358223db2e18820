//! Performing a lesson as the learner would: run the setup, then for each
//! step its actions (a click runs the line it writes) and its checks. The
//! CLI's `streamlab lesson check` and the tests use [`check_lesson`]; the
//! page uses [`run_setup`], [`perform`] ("show me") and [`evaluate_step`].

use super::check::{evaluate, StepContext, Verdict};
use super::{Lesson, Step};
use crate::script::{Output, Session};

/// What a lesson's run stopped at.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LessonFailure {
    /// A setup line failed: the lesson never starts where it says.
    #[error("lesson {lesson}: setup line `{command}` failed: {message}")]
    Setup {
        lesson: String,
        command: String,
        message: String,
    },
    /// A step's check did not hold after its action.
    #[error("lesson {lesson}, step {step} ({step_id}): check `{check}` failed: {actual}")]
    Check {
        lesson: String,
        /// 1-based, as the page numbers steps.
        step: usize,
        step_id: String,
        check: String,
        actual: String,
    },
}

/// One step as performed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StepReport {
    pub id: String,
    /// What the step's actions printed.
    pub outputs: Vec<Output>,
    /// One per check, in order.
    pub verdicts: Vec<Verdict>,
}

impl StepReport {
    pub fn passed(&self) -> bool {
        self.verdicts.iter().all(|v| v.pass)
    }
}

/// A fresh session with the lesson's setup run.
pub fn run_setup(lesson: &Lesson) -> Result<Session, LessonFailure> {
    let mut session = Session::new();
    for o in session.run(&lesson.setup) {
        if o.is_error {
            return Err(LessonFailure::Setup {
                lesson: lesson.name.clone(),
                command: o.command,
                message: o.text,
            });
        }
    }
    Ok(session)
}

/// Performs a step's actions: what they printed, and where in the trace
/// the step began (its checks read the events from there).
pub fn perform(session: &mut Session, step: &Step) -> (Vec<Output>, usize) {
    let events_from = session.events().len();
    let mut outputs = Vec::new();
    for a in &step.actions {
        outputs.extend(session.run(a.command()));
    }
    (outputs, events_from)
}

/// Every check of a step, against the session after (some of) its actions.
pub fn evaluate_step(
    session: &Session,
    step: &Step,
    outputs: &[Output],
    events_from: usize,
) -> Vec<Verdict> {
    let ctx = StepContext {
        session,
        outputs,
        events_from,
    };
    step.checks
        .iter()
        .map(|c| evaluate(&c.check, &ctx))
        .collect()
}

/// Performs the whole lesson; the first check that fails stops it.
pub fn check_lesson(lesson: &Lesson) -> Result<Vec<StepReport>, LessonFailure> {
    let mut session = run_setup(lesson)?;
    let mut reports = Vec::with_capacity(lesson.steps.len());
    for (i, step) in lesson.steps.iter().enumerate() {
        let (outputs, from) = perform(&mut session, step);
        let verdicts = evaluate_step(&session, step, &outputs, from);
        if let Some((c, v)) = step.checks.iter().zip(&verdicts).find(|(_, v)| !v.pass) {
            return Err(LessonFailure::Check {
                lesson: lesson.name.clone(),
                step: i + 1,
                step_id: step.id.clone(),
                check: c.source.clone(),
                actual: v.actual.clone(),
            });
        }
        reports.push(StepReport {
            id: step.id.clone(),
            outputs,
            verdicts,
        });
    }
    Ok(reports)
}
