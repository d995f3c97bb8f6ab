//! Stop words and question words, in all three languages.
//!
//! Stop words carry no meaning for the search and are skipped. Question words
//! ("қанша", "сколько", "how many") carry a little: they tell "how many deputies"
//! from "what do deputies do", so they count, at a discount. Both lists are
//! compared on folded keys, so Latin and look-alike spellings are covered.

use super::{case, fold};
use rustc_hash::FxHashMap as HashMap;
use std::sync::OnceLock;

/// What a function word does in a question.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// No meaning for the search.
    Stop,
    /// Asks for a kind of fact (how many, when, who): weighs a little.
    Question,
}

const KK_STOP: &str = "мен сен ол біз сіз олар менің сенің оның біздің сіздің олардың маған саған оған бізге
    сізге оларға мені сені оны бізді сізді оларды менде сенде бізде сізде оларда бұл мына сол осы анау мынау
    әлгі осындай сондай мұндай қазір енді кейін бұрын әлі тағы да де та те ғой ғана қана әрі және пен бен
    немесе бірақ алайда себебі өйткені сондықтан егер онда үшін туралы жөнінде арқылы дейін шейін соң бері
    қарай сияқты секілді ретінде бойынша жоқ бар иә ия емес ма ме ба бе па пе ше шы ші ау ай еді екен болып
    болса бола болады болатын деп деген дегеніміз дейді айтты айтып айтшы айтыңызшы өте тым әр барлық бәрі
    бүкіл кейбір біраз ал сонда мұнда осында сонымен яғни мысалы шынымен рас білгім білейін келеді өзі
    қысқаша қысқа қарапайым дәл нақ әлде жай біреу біреудің біреулер ешкім ештеңе тіпті бәлкім шынында
    шыныңды әрине сірә шамасы сосын содан кейде әйтеуір солай осылай былай айтады деседі дейсің естідім";
const KK_QUESTION: &str = "қанша неше нешеу қашан қайда қалай не неге неліктен кім кімге кімнің кімді қандай қай қайсы несі нені";
const RU_STOP: &str = "и в во не что он на я с со как а то все она так его но да ты к у же вы за бы по только ее
    мне было вот от меня еще нет о об из ему теперь когда даже ну вдруг ли если уже или ни быть был него до вас
    нибудь опять уж вам ведь там потом себя ничего ей может они тут где есть надо ней для мы тебя их чем была
    сам чтоб без будто чего раз тоже себе под будет будут ж тогда кто этот того потому этого какой совсем ним
    здесь этом почти мой тем чтобы нее сейчас были куда зачем всех никогда можно при наконец хоть после над
    больше меньше тот через эти нас про всего них какая много разве эту моя впрочем свою этой перед иногда
    чуть том нельзя такой им более всегда конечно всю между это эта те который которая которые весь вообще
    просто очень нужно типа короче слушай скажи скажите пожалуйста подскажите расскажи расскажите объясни
    хочу знать интересно ваще че чё станет стало коротко кратко вкратце простыми
    простому двух словах словами именно самое собственно неужели говорят говорит сказал сказали слышал
    слышала читал читала вроде реально кажется наверное либо якобы мол дескать ага ок окей блин";
const RU_QUESTION: &str =
    "сколько когда где почему зачем кто кого кому какой какая какие каким какое как чем";
const EN_STOP: &str = "i me my myself we our ours ourselves you your yours yourself yourselves he him his himself
    she her hers herself it its itself they them their theirs themselves this that these those am is are was
    were be been being have has had having do does did doing a an the and but if or because as until while of
    at by for with about between into through during before after above below to from up down in out on off
    over under again further then once here there all any both each few more most other some such no nor not
    only own same so than too very s t can will just don should now could would shall may might must also
    please tell explain know get got really actually like whats im going gonna briefly brief
    short simple simply nutshell words exactly whether don't doesn't didn't isn't aren't wasn't
    weren't won't can't couldn't wouldn't shouldn't haven't hasn't hadn't it's i'm i've i'd you're
    they're that's there's heard hear says said saying apparently supposedly ok okay anyway basically
    kinda wanna nah yeah yep lol guys thing things stuff even";
const EN_QUESTION: &str = "what how when where why who whom which many much";

fn table() -> &'static HashMap<String, Role> {
    static TABLE: OnceLock<HashMap<String, Role>> = OnceLock::new();
    TABLE.get_or_init(|| {
        let mut t = HashMap::default();
        for (list, role) in [
            (KK_STOP, Role::Stop),
            (RU_STOP, Role::Stop),
            (EN_STOP, Role::Stop),
            (KK_QUESTION, Role::Question),
            (RU_QUESTION, Role::Question),
            (EN_QUESTION, Role::Question),
        ] {
            for w in list.split_whitespace() {
                // A word both lists name (Kazakh "не" asks, Russian "не" negates)
                // stays a question word: it is the one that can carry meaning.
                let e = t.entry(fold::key(&case::lower(w))).or_insert(role);
                if role == Role::Question {
                    *e = role;
                }
            }
        }
        t
    })
}

/// The function words of a language (for training language detection).
pub fn words(lang: crate::Lang) -> impl Iterator<Item = &'static str> {
    let (stop, question) = match lang {
        crate::Lang::Kk => (KK_STOP, KK_QUESTION),
        crate::Lang::Ru => (RU_STOP, RU_QUESTION),
        crate::Lang::En => (EN_STOP, EN_QUESTION),
    };
    stop.split_whitespace().chain(question.split_whitespace())
}

/// The role of a lowercase word, if it is a function word.
pub fn role(word: &str) -> Option<Role> {
    role_of_key(&fold::key(word))
}

/// The role of a folded key (a word or a stem), if it is a function word.
pub fn role_of_key(key: &str) -> Option<Role> {
    table().get(key).copied()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_roles_in_every_script() {
        assert_eq!(role("қанша"), Some(Role::Question));
        assert_eq!(role("qansha"), Some(Role::Question));
        assert_eq!(role("канша"), Some(Role::Question));
        assert_eq!(role("сколько"), Some(Role::Question));
        assert_eq!(role("the"), Some(Role::Stop));
        assert_eq!(role("және"), Some(Role::Stop));
        assert_eq!(role("құрылтай"), None);
        assert_eq!(role("референдум"), None);
    }
}
