//! Stop words and question words, in all three languages.
//!
//! Stop words carry no meaning for the search and are skipped. Question words
//! ("қанша", "сколько", "how many") carry a little: they tell "how many deputies"
//! from "what do deputies do", so they count, at a discount. Both lists are
//! compared on folded keys, so Latin and look-alike spellings are covered.

use super::{case, fold};
use std::collections::HashMap;
use std::sync::OnceLock;

/// What a function word does in a question.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// No meaning for the search.
    Stop,
    /// Asks for a kind of fact (how many, when, who): weighs a little.
    Question,
}

const KK_STOP: &str = "және мен пен бен да де та те ма ме ба бе па пе бұл сол осы ол сен сіз біз олар
    сендер сіздер үшін туралы деген дегеніміз дейді ғой ғана еді екен емес әлде немесе бірақ енді тағы
    өте әр ал иә ия жоқ ше шы ші ау сондай ақ қой маған саған сізге бізге оның менің сенің сіздің біздің
    осында мұнда болып бола болса айтып айтшы айтыңызшы білгім білейін келеді шын шынымен рас";
const KK_QUESTION: &str =
    "қанша неше қашан қайда қалай не неге неліктен кім кімге кімнің қандай қай қайсы";
const RU_STOP: &str = "и в во на не что это как а но или по с со к ко у о об от до за из для же ли бы то ну
    вот там тут так уже еще мне меня мы вы ты я он она они оно его ее их нас вас нам вам им ему ей себя
    свой будет будут быть есть был была было были этот эта эти этого этом тот та те такой который
    которая которые при про через если чтобы да нет все весь вообще просто очень можно нужно надо
    типа короче слушай скажи скажите пожалуйста подскажите расскажи расскажите объясни хочу знать
    интересно конечно вообще ваще че чё";
const RU_QUESTION: &str =
    "сколько когда где почему зачем кто кого кому какой какая какие каким какое как чем";
const EN_STOP: &str =
    "a an the is are was were be been being do does did of in on at to for from by with
    and or but not no it its this that these those i me my you your we our they their he she his her
    them there here so if then than as about can could will would shall may might must have has had
    just also please tell explain know get got any some all really actually like s t whats im";
const EN_QUESTION: &str = "what how when where why who whom which many much";

fn table() -> &'static HashMap<String, Role> {
    static TABLE: OnceLock<HashMap<String, Role>> = OnceLock::new();
    TABLE.get_or_init(|| {
        let mut t = HashMap::new();
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
    table().get(&fold::key(word)).copied()
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
