// text: untrusted text as the page shows it. Pure.
//
// Control characters (an escape sequence's ESC, a NUL, C1 controls) would
// show as nothing or as a box; like trustd's text output they are written
// as \xNN instead, and so are the bidirectional overrides that could make
// a name read differently than it is. Line ends and tabs stay (trustd's
// messages have several lines).
const HIDDEN = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

export function visible(text) {
    return String(text).replace(HIDDEN, c => {
        const code = c.codePointAt(0);
        return code <= 0xff ? "\\x" + code.toString(16).padStart(2, "0") : "\\u" + code.toString(16).padStart(4, "0");
    });
}
