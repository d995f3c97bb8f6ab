//! Everything the bot says that is not a passage, in Kazakh, Russian and English.

use crate::lang::Lang;

/// A message of the interface.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Msg {
    /// The question is not answered by any passage.
    DontKnow,
    /// The question is about something outside the reform.
    OutOfScope,
    /// The message had no words.
    Empty,
    /// Label before the source of an answer.
    Source,
    /// Label before related passages.
    SeeAlso,
    /// Heading of the topic menu.
    Topics,
    /// First words of the terminal chat.
    Welcome,
    /// How to use the terminal chat.
    ChatHelp,
    /// The answer language was switched.
    LangSwitched,
    /// The answer language follows each question again.
    LangAuto,
    /// A number that is not in the menu.
    NoSuchItem,
    /// The reply to a message that is only a greeting.
    Greeting,
    /// The reply to a message that is only thanks.
    Thanks,
    /// Heading of "did you mean…" candidates.
    Unsure,
}

/// The text of `msg` in `lang`.
pub fn t(msg: Msg, lang: Lang) -> &'static str {
    use Lang::*;
    use Msg::*;
    match (msg, lang) {
        (DontKnow, Kk) => "Бұл сұраққа жауабым жоқ. Мен тек Конституциялық реформа туралы, аталған дереккөздер бойынша жауап беремін. Тақырыптардың бірін таңдаңыз немесе сұрағыңызды басқаша жазып көріңіз.",
        (DontKnow, Ru) => "На этот вопрос у меня нет ответа. Я отвечаю только о конституционной реформе и только по названным источникам. Выберите тему или спросите иначе.",
        (DontKnow, En) => "I don't know that. I only answer questions about the constitutional reform, from named sources. Pick a topic or try asking another way.",
        (OutOfScope, Kk) => "Бұл менің тақырыбым емес: мен тек Қазақстан Конституциясының жаңа редакциясы туралы айтамын. Төмендегі тақырыптардың бірін таңдаңыз.",
        (OutOfScope, Ru) => "Это вне моей темы: я рассказываю только о новой редакции Конституции Казахстана. Выберите одну из тем ниже.",
        (OutOfScope, En) => "That is outside my subject: I only explain the new edition of Kazakhstan's Constitution. Pick one of the topics below.",
        (Empty, Kk) => "Сұрағыңызды сөзбен жазыңыз, мысалы: «Құрылтайда қанша депутат болады?»",
        (Empty, Ru) => "Напишите вопрос словами, например: «Сколько депутатов будет в Курултае?»",
        (Empty, En) => "Please type your question in words, for example: “How many deputies will the Kurultai have?”",
        (Source, Kk) => "Дереккөз",
        (Source, Ru) => "Источник",
        (Source, En) => "Source",
        (SeeAlso, Kk) => "Тағы қараңыз",
        (SeeAlso, Ru) => "См. также",
        (SeeAlso, En) => "See also",
        (Topics, Kk) => "Тақырыптар",
        (Topics, Ru) => "Темы",
        (Topics, En) => "Topics",
        (Welcome, Kk) => "Сәлеметсіз бе! Мен Конституциялық реформаны қарапайым тілмен түсіндіремін. Сұрағыңызды қазақша, орысша немесе ағылшынша жазыңыз.",
        (Welcome, Ru) => "Здравствуйте! Я простыми словами объясняю конституционную реформу. Задайте вопрос на казахском, русском или английском.",
        (Welcome, En) => "Hello! I explain the constitutional reform in plain words. Ask in Kazakh, Russian or English.",
        (ChatHelp, Kk) => "/topics — тақырыптар, нөмір — таңдау, /lang kk|ru|en|auto — жауап тілі, /help — көмек, /quit — шығу",
        (ChatHelp, Ru) => "/topics — темы, номер — выбор, /lang kk|ru|en|auto — язык ответов, /help — помощь, /quit — выход",
        (ChatHelp, En) => "/topics — topics, a number — choose, /lang kk|ru|en|auto — answer language, /help — help, /quit — exit",
        (LangSwitched, Kk) => "Енді қазақша жауап беремін.",
        (LangSwitched, Ru) => "Теперь отвечаю по-русски.",
        (LangSwitched, En) => "I will answer in English now.",
        (LangAuto, Kk) => "Сұрақ қай тілде болса, сол тілде жауап беремін.",
        (LangAuto, Ru) => "Отвечаю на языке вопроса.",
        (LangAuto, En) => "I will answer in the language of each question.",
        (NoSuchItem, Kk) => "Мұндай нөмір жоқ. /topics — тақырыптар тізімі.",
        (NoSuchItem, Ru) => "Такого номера нет. /topics — список тем.",
        (NoSuchItem, En) => "There is no such number. /topics lists the topics.",
        (Greeting, Kk) => "Сәлеметсіз бе! Конституциялық реформа туралы сұрағыңызды жазыңыз немесе тақырыпты таңдаңыз.",
        (Greeting, Ru) => "Здравствуйте! Задайте вопрос о конституционной реформе или выберите тему.",
        (Greeting, En) => "Hello! Ask me about the constitutional reform, or pick a topic.",
        (Thanks, Kk) => "Рахмет! Тағы сұрақ болса, жаза беріңіз.",
        (Thanks, Ru) => "Пожалуйста! Если будут ещё вопросы — пишите.",
        (Thanks, En) => "You're welcome! Ask me anything else about the reform.",
        (Unsure, Kk) => "Сұрағыңызды дәл түсінгеніме сенімді емеспін. Мына тақырыптардың бірін сұрадыңыз ба?",
        (Unsure, Ru) => "Не уверен, что правильно понял вопрос. Возможно, вы имели в виду одно из этого?",
        (Unsure, En) => "I'm not sure I understood. Did you mean one of these?",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::is_kazakh_letter;

    #[test]
    fn russian_and_english_messages_carry_no_kazakh_letters() {
        for msg in [
            Msg::DontKnow,
            Msg::OutOfScope,
            Msg::Empty,
            Msg::Welcome,
            Msg::ChatHelp,
        ] {
            assert!(t(msg, Lang::Kk).chars().any(is_kazakh_letter) || msg == Msg::ChatHelp);
            assert!(!t(msg, Lang::Ru).chars().any(is_kazakh_letter));
            assert!(!t(msg, Lang::En).chars().any(is_kazakh_letter));
        }
    }
}
