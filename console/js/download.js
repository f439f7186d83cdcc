// download: hands text trustd wrote to the browser as a file.

// A file name from untrusted words (a label): letters, digits, dot, dash.
export function fileName(words, suffix) {
    const base = String(words).replace(/[^A-Za-z0-9._-]+/g, "-").replace(/^[-.]+|-+$/g, "").slice(0, 80);
    return (base || "certificate") + suffix;
}

export function download(name, text, type = "application/x-pem-file") {
    const url = URL.createObjectURL(new Blob([text], { type }));
    const a = document.createElement("a");
    a.href = url;
    a.download = name;
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60000);
}
