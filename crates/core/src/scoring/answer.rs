//! Checking one answer against its item, and the points it earns. The same
//! check guards writes on the device and marks invalid answers in reports.

use crate::document::Answer;
use crate::template::{AnswerSpec, Item, Threshold};

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum AnswerError {
    #[error("a {expected} item cannot take a {got} answer")]
    WrongKind { expected: &'static str, got: &'static str },
    #[error("{value} is outside the allowed range {min}–{max}")]
    OutOfRange { value: f64, min: f64, max: f64 },
    #[error("the number is not finite")]
    NotFinite,
    #[error("`{0}` is not one of the item's options")]
    UnknownOption(String),
    #[error("option `{0}` is chosen twice")]
    DuplicateOption(String),
    #[error("this item does not allow N/A")]
    NaNotAllowed,
    #[error("{satisfied} satisfied out of {asked} asked is not a valid sample")]
    BadSample { asked: u32, satisfied: u32 },
    #[error("{0} items are not answered directly")]
    NotAnswerable(&'static str),
}

/// Whether `answer` is a valid answer to `item`.
pub fn check_answer(item: &Item, answer: &Answer) -> Result<(), AnswerError> {
    let expected = item.answer.type_name();
    let wrong = || AnswerError::WrongKind { expected, got: answer.kind() };
    match (&item.answer, answer) {
        (AnswerSpec::Computed { .. } | AnswerSpec::Text | AnswerSpec::Respondents { .. }, _) => {
            Err(AnswerError::NotAnswerable(expected))
        }
        (_, Answer::NotApplicable) if item.na_allowed => Ok(()),
        (_, Answer::NotApplicable) => Err(AnswerError::NaNotAllowed),
        (AnswerSpec::YesNo, Answer::YesNo(_)) => Ok(()),
        (AnswerSpec::Scale { min, max, .. }, Answer::Scale(v)) => {
            if v < min || v > max {
                Err(AnswerError::OutOfRange { value: *v as f64, min: *min as f64, max: *max as f64 })
            } else {
                Ok(())
            }
        }
        (AnswerSpec::Number { min, max, .. }, Answer::Number(v)) => {
            if !v.is_finite() {
                return Err(AnswerError::NotFinite);
            }
            let lo = min.unwrap_or(f64::MIN);
            let hi = max.unwrap_or(f64::MAX);
            if *v < lo || *v > hi { Err(AnswerError::OutOfRange { value: *v, min: lo, max: hi }) } else { Ok(()) }
        }
        (AnswerSpec::ChoiceOne { options }, Answer::Choice(id)) => {
            if options.iter().any(|o| &o.id == id) {
                Ok(())
            } else {
                Err(AnswerError::UnknownOption(id.clone()))
            }
        }
        (AnswerSpec::ChoiceMany { options }, Answer::Choices(ids)) => {
            for (n, id) in ids.iter().enumerate() {
                if !options.iter().any(|o| &o.id == id) {
                    return Err(AnswerError::UnknownOption(id.clone()));
                }
                if ids.iter().take(n).any(|earlier| earlier == id) {
                    return Err(AnswerError::DuplicateOption(id.clone()));
                }
            }
            Ok(())
        }
        (AnswerSpec::Sample { .. }, Answer::Sample { asked, satisfied }) => {
            if *asked == 0 || satisfied > asked {
                Err(AnswerError::BadSample { asked: *asked, satisfied: *satisfied })
            } else {
                Ok(())
            }
        }
        _ => Err(wrong()),
    }
}

/// The best fraction any matching threshold gives, 0 when none matches.
pub fn threshold_fraction(thresholds: &[Threshold], value: f64) -> f64 {
    thresholds.iter().filter(|t| t.matches(value)).map(|t| t.fraction).fold(0.0, f64::max)
}

/// Points earned by a valid answer (not N/A), and its numeric value where it has one.
pub(crate) fn earned(item: &Item, answer: &Answer) -> (f64, Option<f64>) {
    let p = item.points;
    match (&item.answer, answer) {
        (AnswerSpec::YesNo, Answer::YesNo(b)) => (if *b { p } else { 0.0 }, None),
        (AnswerSpec::Scale { min, max, .. }, Answer::Scale(v)) => {
            let span = (*max - *min) as f64;
            let frac = if span > 0.0 { (*v - *min) as f64 / span } else { 0.0 };
            (p * frac.clamp(0.0, 1.0), Some(*v as f64))
        }
        (AnswerSpec::Number { .. }, Answer::Number(v)) => (p * threshold_fraction(&item.thresholds, *v), Some(*v)),
        (AnswerSpec::ChoiceOne { options }, Answer::Choice(id)) => {
            let frac = options.iter().find(|o| &o.id == id).and_then(|o| o.fraction).unwrap_or(0.0);
            (p * frac, None)
        }
        (AnswerSpec::ChoiceMany { options }, Answer::Choices(ids)) => {
            let sum: f64 = options.iter().filter(|o| ids.contains(&o.id)).filter_map(|o| o.points).sum();
            (sum.min(p), Some(ids.len() as f64))
        }
        (AnswerSpec::Sample { .. }, Answer::Sample { asked, satisfied }) => {
            let ratio = f64::from(*satisfied) / f64::from((*asked).max(1));
            (p * threshold_fraction(&item.thresholds, ratio), Some(ratio))
        }
        _ => (0.0, None),
    }
}
