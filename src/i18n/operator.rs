//! What the bot tells its operators (admins in Telegram), in the three
//! languages: content and data-folder alerts and reload reports. Problem
//! lists and change lists follow these lines as they are (file:line, ids).

use crate::lang::Lang;

/// An operator message, with what it reports.
#[derive(Debug, Clone, Copy)]
pub enum Alert<'a> {
    /// The bot started with problems in the content folder; the last valid version serves.
    StartupProblems {
        /// How many problems.
        count: usize,
        /// The version serving.
        version: &'a str,
    },
    /// The data folder could not be read and was set aside; the knowledge base was rebuilt.
    SetAside {
        /// Where the old files are.
        aside: &'a str,
    },
    /// Writes to the data folder fail (a full disk…); the bot answers on.
    StoreFailing {
        /// The folder and the error, as the operator should read them.
        error: &'a str,
    },
    /// The data folder takes writes again.
    StoreRecovered {
        /// Writes lost during the outage.
        lost: u64,
    },
    /// A reload put a new content version in service.
    Updated {
        /// The version replaced.
        from: &'a str,
        /// The version now serving.
        to: &'a str,
    },
    /// A reload found nothing changed.
    Unchanged {
        /// The version serving.
        version: &'a str,
    },
    /// A reload was refused for problems; the previous version serves.
    Refused {
        /// How many problems.
        count: usize,
        /// The version serving.
        serving: &'a str,
    },
    /// A reload failed outright.
    ReloadFailed {
        /// What went wrong.
        error: &'a str,
    },
}

/// The text of `alert` in `lang` (plain text: the caller escapes it for HTML).
pub fn text(alert: &Alert<'_>, lang: Lang) -> String {
    use Lang::*;
    match *alert {
        Alert::StartupProblems { count, version } => match lang {
            Kk => format!("⚠️ Бот іске қосылды, бірақ content бумасында {count} қате бар. Соңғы дұрыс нұсқа ({version}) қызмет етуде."),
            Ru => format!("⚠️ Бот запущен, но в папке content {count} ошибок. Работает последняя корректная версия ({version})."),
            En => format!("⚠️ The bot started, but the content folder has {count} problem(s). The last valid version ({version}) is serving."),
        },
        Alert::SetAside { aside } => match lang {
            Kk => format!("⚠️ Бот іске қосылды, бірақ деректер бумасы оқылмады. Оның файлдары {aside} бумасына көшірілді, білім қоры content бумасынан қайта құрылды. Пайдаланушылардың тіл таңдауы мен журнал басынан басталады."),
            Ru => format!("⚠️ Бот запущен, но папку данных не удалось прочитать. Её файлы перенесены в {aside}, база знаний заново собрана из папки content. Выбор языка пользователей и журнал начинаются заново."),
            En => format!("⚠️ The bot started, but its data folder could not be read. Its files were moved to {aside} and the knowledge base was rebuilt from the content folder. Users' language choices and the journal start afresh."),
        },
        Alert::StoreFailing { error } => match lang {
            Kk => format!("⚠️ Деректер бумасына жазу мүмкін емес:\n{error}\nБот жауап беруді жалғастырады, бірақ тіл таңдауы, жауапсыз сұрақтар мен статистика сақталмайды (/metrics: atazan_store_lost_writes_total). Дискіде орын босатыңыз: орын пайда болғанда бот өзі қайта іске қосылады."),
            Ru => format!("⚠️ Не удаётся писать в папку данных:\n{error}\nБот продолжает отвечать, но выбор языка, вопросы без ответа и статистика не сохраняются (/metrics: atazan_store_lost_writes_total). Освободите место на диске: бот перезапустится сам, когда запись снова станет возможной."),
            En => format!("⚠️ The data folder cannot be written:\n{error}\nThe bot keeps answering, but language choices, unanswered questions and statistics are not saved (/metrics: atazan_store_lost_writes_total). Free space on its disk: the bot restarts by itself once it can write again."),
        },
        Alert::StoreRecovered { lost } => match lang {
            Kk => format!("✅ Деректер бумасына қайтадан жазуға болады; бот оны қайта ашу үшін қайта іске қосылады. Сақталмаған жазбалар: {lost}."),
            Ru => format!("✅ Запись в папку данных снова работает; бот перезапускается, чтобы открыть её заново. Потеряно записей: {lost}."),
            En => format!("✅ The data folder can be written again; the bot restarts to reopen it. Writes lost meanwhile: {lost}."),
        },
        Alert::Updated { from, to } => match lang {
            Kk => format!("✅ Мазмұн жаңартылды: {from} → {to}."),
            Ru => format!("✅ Материалы обновлены: {from} → {to}."),
            En => format!("✅ Content updated: {from} → {to}."),
        },
        Alert::Unchanged { version } => match lang {
            Kk => format!("Мазмұн өзгерген жоқ: {version} нұсқасы қызмет етуде."),
            Ru => format!("Материалы не изменились: работает версия {version}."),
            En => format!("Nothing changed: version {version} is serving."),
        },
        Alert::Refused { count, serving } => match lang {
            Kk => format!("⚠️ Өзгеріс қабылданбады: {count} қате. Бұрынғы нұсқа ({serving}) қызмет етуде. Түзетіп, файлды қайта сақтаңыз:"),
            Ru => format!("⚠️ Изменение не принято: {count} ошибок. Работает прежняя версия ({serving}). Исправьте и сохраните файл снова:"),
            En => format!("⚠️ Change refused: {count} problem(s). The previous version ({serving}) keeps serving. Fix and save again:"),
        },
        Alert::ReloadFailed { error } => match lang {
            Kk => format!("⚠️ Мазмұнды қайта жүктеу сәтсіз: {error}"),
            Ru => format!("⚠️ Не удалось перезагрузить материалы: {error}"),
            En => format!("⚠️ Reload failed: {error}"),
        },
    }
}
