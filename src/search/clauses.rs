//! The clause of a long message that asks: a citizen often tells who they
//! are and what a neighbour said before the question ("I'm a nurse from
//! Uralsk, my neighbour says … So when was the vote?"). The story's words
//! would outvote the question's, or name something out of scope.

/// Words a message needs before it counts as a story around a question.
const STORY_WORDS: usize = 14;
/// A clause this short leans on the sentence before it ("How will that
/// work?"), so that one is read with it.
const SHORT_CLAUSE_WORDS: usize = 5;

/// The clause of `message` that asks, when the message is a story around a
/// question: the last sentence ending in a question mark, or else the last
/// sentence, with the sentence before it when it is short. `None` when the
/// message is one sentence or short enough to read whole.
pub(super) fn asking(message: &str) -> Option<&str> {
    // Most questions are short: counting words is cheaper than splitting.
    if words(message) < STORY_WORDS {
        return None;
    }
    let sentences = sentences(message);
    if sentences.len() < 2 {
        return None;
    }
    let last = sentences
        .iter()
        .rposition(|s| s.trim_end().ends_with('?'))
        .unwrap_or(sentences.len() - 1);
    let first = if words(sentences[last]) < SHORT_CLAUSE_WORDS && last > 0 {
        last - 1
    } else {
        last
    };
    // Sentences are slices of `message`: the clause runs from the start of
    // the first to the end of the last.
    let start = sentences[first].as_ptr() as usize - message.as_ptr() as usize;
    let end = sentences[last].as_ptr() as usize - message.as_ptr() as usize + sentences[last].len();
    let clause = &message[start..end];
    (words(clause) > 0).then_some(clause)
}

/// The sentences of `text`, each with its closing mark. A full stop ends a
/// sentence only before a space or the end ("73.12", "т.е" do not).
fn sentences(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        let next_is_space = chars.peek().is_none_or(|&(_, n)| n.is_whitespace());
        let ends = match c {
            '?' | '!' | '\n' | ';' | '…' => true,
            '.' => next_is_space,
            _ => false,
        };
        if ends {
            let end = i + c.len_utf8();
            if words(&text[start..end]) > 0 {
                out.push(&text[start..end]);
            }
            start = end;
        }
    }
    if words(&text[start..]) > 0 {
        out.push(&text[start..]);
    }
    out
}

fn words(text: &str) -> usize {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .count()
}

#[cfg(test)]
mod tests {
    use super::asking;

    #[test]
    fn a_story_is_read_from_its_question() {
        let m = "Мен Орал қаласында тұрамын, мейірбикемін, үш балам бар. Көршім бәрін біледі дейді. Сайлау қай жылы болады?";
        assert_eq!(
            asking(m),
            Some(" Көршім бәрін біледі дейді. Сайлау қай жылы болады?")
        );
        let m = "I'm a nurse from Uralsk and I never follow politics at all. What does the new parliament actually do for ordinary people?";
        assert_eq!(
            asking(m),
            Some(" What does the new parliament actually do for ordinary people?")
        );
    }

    #[test]
    fn the_last_sentence_asks_when_none_has_a_question_mark() {
        let m = "I am a teacher in a village school with forty pupils. They keep asking me about the new parliament. Tell me how its deputies are elected.";
        assert_eq!(asking(m), Some(" Tell me how its deputies are elected."));
    }

    #[test]
    fn short_or_single_sentence_messages_are_read_whole() {
        assert_eq!(asking("Когда референдум? Сколько депутатов?"), None);
        assert_eq!(
            asking("what did the turnout of 73.12 percent in the referendum mean for the result and the validity rule"),
            None
        );
    }
}
