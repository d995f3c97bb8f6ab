//! Everything the bot says that is not a passage, in Kazakh, Russian and English.

pub mod operator;

use crate::command::Command;
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
    /// What to ask, under the greeting.
    AskHint,
    /// The button leading to the topic menu.
    AllTopics,
    /// The button leading one level up.
    Back,
    /// A button pointed at something the content no longer has.
    Updated,
    /// The Telegram bot's /help.
    BotHelp,
    /// Above the language buttons.
    PickLanguage,
    /// The language's own name, on its button.
    LanguageName,
    /// After a 👍 or 👎.
    VoteThanks,
    /// A sticker, voice message, photo or file instead of text.
    TextOnly,
    /// Too many messages in a short time.
    Flood,
    /// Something failed on our side.
    Apology,
    /// An operator command from someone who is not an operator.
    AdminOnly,
    /// The button of an inline result that opens the bot.
    OpenBot,
}

/// The text of `msg` in `lang`.
pub fn t(msg: Msg, lang: Lang) -> &'static str {
    use Lang::*;
    use Msg::*;
    match (msg, lang) {
        (DontKnow, Kk) => "Бұл сұраққа жауабым жоқ. Мен тек Конституциялық реформа туралы, аталған дереккөздер бойынша жауап беремін. Тақырыптардың бірін таңдаңыз немесе сұрағыңызды басқаша жазып көріңіз.",
        (DontKnow, Ru) => "На этот вопрос у меня нет ответа. Я отвечаю только о конституционной реформе и только по названным источникам. Выберите тему или спросите иначе.",
        (DontKnow, En) => "I don't know that. I only answer questions about the constitutional reform, from named sources. Pick a topic or try asking another way.",
        (OutOfScope, Kk) => "Бұл менің тақырыбым емес: мен тек Қазақстанның жаңа Конституциясы туралы айтамын. Төмендегі тақырыптардың бірін таңдаңыз.",
        (OutOfScope, Ru) => "Это вне моей темы: я рассказываю только о новой Конституции Казахстана. Выберите одну из тем ниже.",
        (OutOfScope, En) => "That is outside my subject: I only explain Kazakhstan's new Constitution. Pick one of the topics below.",
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
        (Thanks, Kk) => "Оқасы жоқ! Тағы сұрағыңыз болса, жаза беріңіз.",
        (Thanks, Ru) => "Пожалуйста! Если будут ещё вопросы — пишите.",
        (Thanks, En) => "You're welcome! Ask me anything else about the reform.",
        (Unsure, Kk) => "Сұрағыңызды дәл түсінгеніме сенімді емеспін. Мына тақырыптардың бірін сұрадыңыз ба?",
        (Unsure, Ru) => "Не уверен, что правильно понял вопрос. Возможно, вы имели в виду одно из этого?",
        (Unsure, En) => "I'm not sure I understood. Did you mean one of these?",
        (AskHint, Kk) => "Мысалы, «Құрылтайда қанша депутат болады?» деп сұраңыз немесе төмендегі тақырыптардың бірін таңдаңыз.",
        (AskHint, Ru) => "Спросите, например: «Сколько депутатов будет в Курултае?» — или выберите тему ниже.",
        (AskHint, En) => "Ask, for example, “How many deputies will the Kurultai have?”, or pick a topic below.",
        (AllTopics, Kk) => "Барлық тақырыптар",
        (AllTopics, Ru) => "Все темы",
        (AllTopics, En) => "All topics",
        (Back, Kk) => "← Артқа",
        (Back, Ru) => "← Назад",
        (Back, En) => "← Back",
        (Updated, Kk) => "Бұл бөлім жаңартылды. Қазіргі тақырыптар төменде.",
        (Updated, Ru) => "Этот раздел обновился. Актуальные темы — ниже.",
        (Updated, En) => "This part has been updated. The current topics are below.",
        (BotHelp, Kk) => "Сұрағыңызды өз сөзіңізбен қазақша, орысша немесе ағылшынша жазыңыз: мен аталған дереккөздерге сүйенген ең жақын жауапты табамын.\n\n/topics — тақырыптар\n/lang — мәзір тілі\n/about — бот, дереккөздер және не сақталатыны туралы\n/help — осы анықтама\n\nТопта маған @ арқылы атап жазыңыз немесе хабарыма жауап беріңіз. Кез келген чатта менің атымды @ арқылы теріп, сұрақ жазсаңыз, жауапты бөлісуге болады.",
        (BotHelp, Ru) => "Напишите вопрос своими словами — по-казахски, по-русски или по-английски: я найду самый близкий ответ по названным источникам.\n\n/topics — темы\n/lang — язык меню\n/about — о боте, источниках и о том, что сохраняется\n/help — эта справка\n\nВ группе упомяните меня через @ или ответьте на моё сообщение. В любом чате можно набрать моё имя через @ и вопрос, чтобы поделиться ответом.",
        (BotHelp, En) => "Type your question in your own words, in Kazakh, Russian or English: I find the closest answer from named sources.\n\n/topics — topics\n/lang — menu language\n/about — about the bot, its sources and what it stores\n/help — this help\n\nIn a group, mention me with @ or reply to my message. In any chat, type my @name and a question to share an answer.",
        (PickLanguage, Kk) => "Мәзір мен хабарлардың тілін таңдаңыз. Сұрақтарға сұрақ қай тілде жазылса, сол тілде жауап беремін.",
        (PickLanguage, Ru) => "Выберите язык меню и сообщений. На вопросы я отвечаю на том языке, на котором они заданы.",
        (PickLanguage, En) => "Choose the language of menus and messages. I answer each question in the language it is asked in.",
        (LanguageName, Kk) => "Қазақша",
        (LanguageName, Ru) => "Русский",
        (LanguageName, En) => "English",
        (VoteThanks, Kk) => "Рахмет, пікіріңіз ескерілді!",
        (VoteThanks, Ru) => "Спасибо, отзыв учтён!",
        (VoteThanks, En) => "Thank you for the feedback!",
        (TextOnly, Kk) => "Мен тек мәтінмен жазылған сұрақтарды түсінемін. Сұрағыңызды жазып жіберіңіз.",
        (TextOnly, Ru) => "Я понимаю только вопросы, написанные текстом. Напишите, пожалуйста, вопрос.",
        (TextOnly, En) => "I only understand questions typed as text. Please type your question.",
        (Flood, Kk) => "Хабарлар тым жиі келіп жатыр. Біраз күте тұрып, қайта жазыңыз.",
        (Flood, Ru) => "Слишком много сообщений подряд. Подождите немного и напишите снова.",
        (Flood, En) => "That is a lot of messages at once. Please wait a little and write again.",
        (Apology, Kk) => "Кешіріңіз, бір ақау шықты. Сәлден соң қайталап көріңіз.",
        (Apology, Ru) => "Извините, что-то пошло не так. Попробуйте ещё раз чуть позже.",
        (Apology, En) => "Sorry, something went wrong. Please try again in a moment.",
        (AdminOnly, Kk) => "Бұл команда тек бот операторларына арналған.",
        (AdminOnly, Ru) => "Эта команда доступна только операторам бота.",
        (AdminOnly, En) => "This command is for the bot's operators only.",
        (OpenBot, Kk) => "Ботта ашу",
        (OpenBot, Ru) => "Открыть в боте",
        (OpenBot, En) => "Open in the bot",
    }
}

/// As of which date the content is current, and where later news is.
pub fn as_of(lang: Lang, date: &str, updates: &str) -> String {
    match lang {
        Lang::Kk => format!("Ақпарат {date} жағдайы бойынша. {updates}"),
        Lang::Ru => format!("Информация актуальна на {date}. {updates}"),
        Lang::En => format!("The information is current as of {date}. {updates}"),
    }
}

/// Who runs the bot and whether it is an official channel.
pub fn operator(lang: Lang, name: Option<&str>, official: bool) -> String {
    match (lang, name, official) {
        (Lang::Kk, Some(n), true) => format!("Ботты жүргізетін: {n}. Бұл — оның ресми арнасы."),
        (Lang::Kk, Some(n), false) => format!("Ботты жүргізетін: {n}. Бұл мемлекеттік органның ресми арнасы емес."),
        (Lang::Kk, None, _) => "Ботты жүргізетін ұйым көрсетілмеген. Бұл мемлекеттік органның ресми арнасы емес.".to_string(),
        (Lang::Ru, Some(n), true) => format!("Бота ведёт: {n}. Это его официальный канал."),
        (Lang::Ru, Some(n), false) => format!("Бота ведёт: {n}. Это не официальный канал государственного органа."),
        (Lang::Ru, None, _) => "Кто ведёт бота, не указано. Это не официальный канал государственного органа.".to_string(),
        (Lang::En, Some(n), true) => format!("This bot is run by {n}. It is their official channel."),
        (Lang::En, Some(n), false) => format!("This bot is run by {n}. It is not an official channel of any state body."),
        (Lang::En, None, _) => "The bot's operator has not named themselves. It is not an official channel of any state body.".to_string(),
    }
}

/// What the bot stores about a user, and for how long (part of /about).
pub fn privacy(lang: Lang, retention_days: u32) -> String {
    match lang {
        Lang::Kk => format!("Мен не сақтаймын: сіз таңдаған тілді (өзгерткеніңізше). Жауабын таппаған сұрақтар мен 👎 бағалары мазмұнды толықтыру үшін атыңыз бен идентификаторыңызсыз {retention_days} күнге дейін сақталады. Басқа ештеңе сақталмайды."),
        Lang::Ru => format!("Что я храню: выбранный вами язык (пока вы его не смените). Вопросы, на которые я не нашёл ответа, и оценки 👎 хранятся без имени и идентификатора до {retention_days} дней, чтобы дополнить ответы. Больше ничего не сохраняется."),
        Lang::En => format!("What I store: the language you chose (until you change it). Questions I could not answer and 👎 ratings are kept without your name or id for up to {retention_days} days, to improve the answers. Nothing else is stored."),
    }
}

/// A command of the Telegram menu, described in `lang`.
pub fn command_description(command: Command, lang: Lang) -> &'static str {
    use Lang::*;
    match (command.name(), lang) {
        ("start", Kk) => "Бастау: сәлемдесу және тақырыптар",
        ("start", Ru) => "Начало: приветствие и темы",
        ("start", En) => "Start: greeting and topics",
        ("topics", Kk) => "Тақырыптар",
        ("topics", Ru) => "Темы",
        ("topics", En) => "Topics",
        ("lang", Kk) => "Мәзір тілі",
        ("lang", Ru) => "Язык меню",
        ("lang", En) => "Menu language",
        ("about", Kk) => "Бот, дереккөздер, сақталатын деректер",
        ("about", Ru) => "О боте, источники, что сохраняется",
        ("about", En) => "About the bot, sources, what is stored",
        ("help", Kk) => "Анықтама",
        ("help", Ru) => "Справка",
        ("help", En) => "Help",
        ("reload", Kk) => "Мазмұнды қайта жүктеу (операторға)",
        ("reload", Ru) => "Перезагрузить материалы (оператор)",
        ("reload", En) => "Reload the content (operators)",
        ("unanswered", Kk) => "Жауапсыз сұрақтар (операторға)",
        ("unanswered", Ru) => "Вопросы без ответа (оператор)",
        ("unanswered", En) => "Unanswered questions (operators)",
        ("stats", Kk) => "Статистика (операторға)",
        ("stats", Ru) => "Статистика (оператор)",
        ("stats", En) => "Statistics (operators)",
        // Every command is listed above (a unit test of `command` checks).
        _ => "",
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
