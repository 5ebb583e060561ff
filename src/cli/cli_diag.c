/* cli_diag.c: printing diagnostics for people, and text from files and books printed safely. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"

#include "cli/cli.h"

/* The length of the valid UTF-8 sequence at s (1 to 4), or 0 when s does not start one
 * (overlong forms, surrogates and code points past U+10FFFF are not valid). *cp gets the code
 * point. */
static size_t utf8_seq(const unsigned char *s, unsigned *cp)
{
    unsigned c = s[0];
    size_t n;
    unsigned min;
    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    if (c >= 0xC2 && c <= 0xDF) {
        n = 2;
        min = 0x80;
        *cp = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
        n = 3;
        min = 0x800;
        *cp = c & 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        n = 4;
        min = 0x10000;
        *cp = c & 0x07;
    } else {
        return 0;
    }
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        *cp = (*cp << 6) | (s[i] & 0x3F);
    }
    if (*cp < min || *cp > 0x10FFFF || (*cp >= 0xD800 && *cp <= 0xDFFF))
        return 0;
    return n;
}

void cli_put_escaped(FILE *out, const char *s)
{
    const unsigned char *p = (const unsigned char *)(s ? s : "");
    while (*p) {
        unsigned cp = 0;
        size_t n = utf8_seq(p, &cp);
        if (n == 0) {
            fprintf(out, "\\x%02X", *p); /* a byte that is not UTF-8 */
            p++;
        } else if (cp < 0x20 || cp == 0x7F) {
            fprintf(out, "\\x%02X", cp); /* ESC, BEL, newlines: never to the terminal */
            p++;
        } else if (cp >= 0x80 && cp <= 0x9F) {
            fprintf(out, "\\u%04X", cp); /* C1 controls (CSI is one) */
            p += n;
        } else {
            fwrite(p, 1, n, out);
            p += n;
        }
    }
}

void cli_put_json_string(FILE *out, const char *s)
{
    const unsigned char *p = (const unsigned char *)(s ? s : "");
    fputc('"', out);
    while (*p) {
        unsigned cp = 0;
        size_t n = utf8_seq(p, &cp);
        if (n == 0) {
            fputs("\\ufffd", out); /* each byte that is not UTF-8 */
            p++;
            continue;
        }
        switch (cp) {
        case '"':
            fputs("\\\"", out);
            break;
        case '\\':
            fputs("\\\\", out);
            break;
        case '\n':
            fputs("\\n", out);
            break;
        case '\t':
            fputs("\\t", out);
            break;
        case '\r':
            fputs("\\r", out);
            break;
        default:
            if (cp < 0x20 || (cp >= 0x7F && cp <= 0x9F))
                fprintf(out, "\\u%04x", cp);
            else
                fwrite(p, 1, n, out);
        }
        p += n;
    }
    fputc('"', out);
}

void cli_print_diags(FILE *out, const diag_list *diags, int min_severity)
{
    for (size_t i = 0; i < diags->len; i++) {
        const diag *d = &diags->items[i];
        if ((int)d->severity < min_severity)
            continue;
        fputs("sheaf: ", out);
        if (d->file) {
            cli_put_escaped(out, d->file);
            if (d->line > 0)
                fprintf(out, ":%d", d->line);
            fputs(": ", out);
        }
        fprintf(out, "%s: ", diag_severity_name(d->severity));
        if (d->id)
            fprintf(out, "[%s] ", d->id);
        cli_put_escaped(out, d->message);
        fputc('\n', out);
    }
}

void cli_say(FILE *out, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *msg = xvasprintf(fmt, ap);
    va_end(ap);
    size_t n = strlen(msg);
    int newline = n > 0 && msg[n - 1] == '\n';
    if (newline)
        msg[n - 1] = '\0';
    cli_put_escaped(out, msg);
    if (newline)
        fputc('\n', out);
    free(msg);
}
