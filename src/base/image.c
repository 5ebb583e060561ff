/* image.c: probing images with their libraries' own readers (see image.h).
 *
 * libpng and libjpeg report fatal errors through a longjmp out of an error callback: every
 * decoder keeps what it allocated in its own context, freed on the one exit path. giflib reads
 * through a callback over the memory buffer; libwebp decodes into a small scaled copy, which
 * still decodes the whole bitstream. */
#include "base/image.h"

#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <gif_lib.h>
#include <jerror.h>
#include <jpeglib.h>
#include <png.h>
#include <webp/decode.h>

image_format image_sniff(const unsigned char *d, size_t n)
{
    if (n >= 8 && memcmp(d, "\x89PNG\r\n\x1a\n", 8) == 0)
        return IMAGE_PNG;
    if (n >= 3 && d[0] == 0xff && d[1] == 0xd8 && d[2] == 0xff)
        return IMAGE_JPEG;
    if (n >= 6 && (memcmp(d, "GIF87a", 6) == 0 || memcmp(d, "GIF89a", 6) == 0))
        return IMAGE_GIF;
    if (n >= 12 && memcmp(d, "RIFF", 4) == 0 && memcmp(d + 8, "WEBP", 4) == 0)
        return IMAGE_WEBP;
    return IMAGE_UNKNOWN;
}

image_format image_format_of_media_type(const char *mt)
{
    if (!mt)
        return IMAGE_UNKNOWN;
    if (strcasecmp(mt, "image/png") == 0)
        return IMAGE_PNG;
    if (strcasecmp(mt, "image/jpeg") == 0)
        return IMAGE_JPEG;
    if (strcasecmp(mt, "image/gif") == 0)
        return IMAGE_GIF;
    if (strcasecmp(mt, "image/webp") == 0)
        return IMAGE_WEBP;
    return IMAGE_UNKNOWN;
}

image_format image_format_of_name(const char *name)
{
    const char *dot = name ? strrchr(name, '.') : NULL;
    if (!dot || strchr(dot, '/'))
        return IMAGE_UNKNOWN;
    dot++;
    if (strcasecmp(dot, "png") == 0)
        return IMAGE_PNG;
    if (strcasecmp(dot, "jpg") == 0 || strcasecmp(dot, "jpeg") == 0 ||
        strcasecmp(dot, "jpe") == 0)
        return IMAGE_JPEG;
    if (strcasecmp(dot, "gif") == 0)
        return IMAGE_GIF;
    if (strcasecmp(dot, "webp") == 0)
        return IMAGE_WEBP;
    return IMAGE_UNKNOWN;
}

const char *image_format_name(image_format f)
{
    static const char *const names[] = {"unknown", "PNG", "JPEG", "GIF", "WebP"};
    return (unsigned)f < sizeof names / sizeof *names ? names[f] : "unknown";
}

const char *image_format_media_type(image_format f)
{
    static const char *const types[] = {NULL, "image/png", "image/jpeg", "image/gif",
                                        "image/webp"};
    return (unsigned)f < sizeof types / sizeof *types ? types[f] : NULL;
}

static int too_large(unsigned w, unsigned h)
{
    return (unsigned long long)w * h > IMAGE_MAX_PIXELS;
}

/*** PNG ***/

typedef struct png_src {
    const unsigned char *p;
    size_t len, pos;
    image_info *info;
} png_src;

static void png_read_mem(png_structp png, png_bytep out, png_size_t n)
{
    png_src *s = png_get_io_ptr(png);
    if (n > s->len - s->pos) {
        png_error(png, "the file ends inside its data (truncated)");
        return;
    }
    memcpy(out, s->p + s->pos, n);
    s->pos += n;
}

static void png_on_error(png_structp png, png_const_charp msg)
{
    png_src *s = png_get_error_ptr(png);
    snprintf(s->info->why, sizeof s->info->why, "%s", msg ? msg : "PNG error");
    png_longjmp(png, 1);
}

static void png_on_warning(png_structp png, png_const_charp msg)
{
    (void)png;
    (void)msg; /* ancillary oddities (colour profiles, text chunks) do not stop a reader */
}

static image_status probe_png(const unsigned char *data, size_t len, image_info *info)
{
    png_src src = {data, len, 0, info};
    png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, &src, png_on_error,
                                             png_on_warning);
    png_infop pi = NULL;
    unsigned char *volatile row = NULL;
    volatile image_status st = IMAGE_BAD_HEADER;
    if (!png) {
        snprintf(info->why, sizeof info->why, "out of memory");
        return IMAGE_CORRUPT;
    }
    pi = png_create_info_struct(png);
    if (!pi || setjmp(png_jmpbuf(png)))
        goto out;
    png_set_read_fn(png, &src, png_read_mem);
    png_set_user_limits(png, 1u << 24, 1u << 24);
    png_set_chunk_malloc_max(png, (png_alloc_size_t)64 << 20);
    png_read_info(png, pi);
    info->width = png_get_image_width(png, pi);
    info->height = png_get_image_height(png, pi);
    st = IMAGE_CORRUPT; /* from here, the header read */
    if (too_large(info->width, info->height)) {
        st = IMAGE_OK;
        goto out;
    }
    int passes = png_set_interlace_handling(png);
    png_read_update_info(png, pi);
    size_t rowbytes = png_get_rowbytes(png, pi);
    row = malloc(rowbytes ? rowbytes : 1);
    if (!row) {
        snprintf(info->why, sizeof info->why, "out of memory for a row of %zu bytes", rowbytes);
        goto out;
    }
    for (int pass = 0; pass < passes; pass++)
        for (unsigned y = 0; y < info->height; y++)
            png_read_row(png, row, NULL);
    png_read_end(png, NULL);
    st = IMAGE_OK;
out:
    free(row);
    png_destroy_read_struct(&png, pi ? &pi : NULL, NULL);
    return st;
}

/*** JPEG ***/

typedef struct jpeg_err {
    struct jpeg_error_mgr pub;
    jmp_buf jump;
    image_info *info;
    int truncated;
} jpeg_err;

static void jpeg_on_error(j_common_ptr cinfo)
{
    jpeg_err *e = (jpeg_err *)cinfo->err;
    char msg[JMSG_LENGTH_MAX];
    (*cinfo->err->format_message)(cinfo, msg);
    snprintf(e->info->why, sizeof e->info->why, "%s", msg);
    longjmp(e->jump, 1);
}

static void jpeg_on_message(j_common_ptr cinfo, int level)
{
    jpeg_err *e = (jpeg_err *)cinfo->err;
    /* warnings: only a premature end counts (truncated data); extraneous bytes and the like
     * do not stop readers */
    if (level < 0 && cinfo->err->msg_code == JWRN_JPEG_EOF && !e->truncated) {
        e->truncated = 1;
        char msg[JMSG_LENGTH_MAX];
        (*cinfo->err->format_message)(cinfo, msg);
        snprintf(e->info->why, sizeof e->info->why, "%s", msg);
    }
}

static image_status probe_jpeg(const unsigned char *data, size_t len, image_info *info)
{
    struct jpeg_decompress_struct cinfo;
    jpeg_err err;
    JSAMPARRAY rows = NULL;
    volatile image_status st = IMAGE_BAD_HEADER;
    volatile int header_read = 0;
    memset(&cinfo, 0, sizeof cinfo);
    cinfo.err = jpeg_std_error(&err.pub);
    err.pub.error_exit = jpeg_on_error;
    err.pub.emit_message = jpeg_on_message;
    err.info = info;
    err.truncated = 0;
    if (setjmp(err.jump)) {
        st = header_read ? IMAGE_CORRUPT : IMAGE_BAD_HEADER;
        goto out;
    }
    jpeg_create_decompress(&cinfo);
    jpeg_mem_src(&cinfo, data, (unsigned long)len);
    if (jpeg_read_header(&cinfo, TRUE) != JPEG_HEADER_OK) {
        snprintf(info->why, sizeof info->why, "no JPEG image in the file");
        goto out;
    }
    header_read = 1;
    info->width = cinfo.image_width;
    info->height = cinfo.image_height;
    if (err.truncated) {
        st = IMAGE_BAD_HEADER;
        goto out;
    }
    if (too_large(info->width, info->height)) {
        st = IMAGE_OK;
        goto out;
    }
    /* decoded at 1/8 scale: every entropy-coded segment is still read, at a fraction of the
     * work and memory */
    cinfo.scale_num = 1;
    cinfo.scale_denom = 8;
    cinfo.dct_method = JDCT_IFAST;
    cinfo.do_fancy_upsampling = FALSE;
    jpeg_start_decompress(&cinfo);
    rows = (*cinfo.mem->alloc_sarray)((j_common_ptr)&cinfo, JPOOL_IMAGE,
                                      cinfo.output_width * cinfo.output_components, 1);
    while (cinfo.output_scanline < cinfo.output_height && !err.truncated)
        jpeg_read_scanlines(&cinfo, rows, 1);
    if (!err.truncated)
        jpeg_finish_decompress(&cinfo);
    st = err.truncated ? IMAGE_CORRUPT : IMAGE_OK;
out:
    jpeg_destroy_decompress(&cinfo);
    return st;
}

/*** GIF ***/

typedef struct gif_src {
    const unsigned char *p;
    size_t len, pos;
} gif_src;

static int gif_read_mem(GifFileType *gif, GifByteType *out, int n)
{
    gif_src *s = gif->UserData;
    size_t want = n > 0 ? (size_t)n : 0;
    if (want > s->len - s->pos)
        want = s->len - s->pos;
    memcpy(out, s->p + s->pos, want);
    s->pos += want;
    return (int)want;
}

static image_status probe_gif(const unsigned char *data, size_t len, image_info *info)
{
    gif_src src = {data, len, 0};
    int error = 0, frames = 0;
    image_status st = IMAGE_CORRUPT;
    GifPixelType *line = NULL;
    GifFileType *gif = DGifOpen(&src, gif_read_mem, &error);
    if (!gif) {
        snprintf(info->why, sizeof info->why, "%s", GifErrorString(error));
        return IMAGE_BAD_HEADER;
    }
    info->width = (unsigned)gif->SWidth;
    info->height = (unsigned)gif->SHeight;
    if (too_large(info->width, info->height)) {
        st = IMAGE_OK;
        goto out;
    }
    for (;;) {
        GifRecordType rt;
        if (DGifGetRecordType(gif, &rt) == GIF_ERROR)
            goto gif_error;
        if (rt == TERMINATE_RECORD_TYPE)
            break;
        if (rt == IMAGE_DESC_RECORD_TYPE) {
            if (DGifGetImageDesc(gif) == GIF_ERROR)
                goto gif_error;
            int w = gif->Image.Width, h = gif->Image.Height;
            if (w <= 0 || h <= 0 || too_large((unsigned)w, (unsigned)h)) {
                snprintf(info->why, sizeof info->why, "a frame of %dx%d pixels", w, h);
                goto out;
            }
            GifPixelType *nl = realloc(line, (size_t)w);
            if (!nl) {
                snprintf(info->why, sizeof info->why, "out of memory");
                goto out;
            }
            line = nl;
            for (int y = 0; y < h; y++)
                if (DGifGetLine(gif, line, w) == GIF_ERROR)
                    goto gif_error;
            frames++;
        } else if (rt == EXTENSION_RECORD_TYPE) {
            int code;
            GifByteType *ext;
            if (DGifGetExtension(gif, &code, &ext) == GIF_ERROR)
                goto gif_error;
            while (ext)
                if (DGifGetExtensionNext(gif, &ext) == GIF_ERROR)
                    goto gif_error;
        }
    }
    if (frames == 0) {
        snprintf(info->why, sizeof info->why, "the GIF holds no image");
        goto out;
    }
    st = IMAGE_OK;
    goto out;
gif_error:
    snprintf(info->why, sizeof info->why, "%s", GifErrorString(gif->Error));
out:
    free(line);
    DGifCloseFile(gif, &error);
    return st;
}

/*** WebP ***/

static image_status probe_webp(const unsigned char *data, size_t len, image_info *info)
{
    WebPDecoderConfig config;
    if (!WebPInitDecoderConfig(&config)) {
        snprintf(info->why, sizeof info->why, "libwebp version mismatch");
        return IMAGE_CORRUPT;
    }
    if (WebPGetFeatures(data, len, &config.input) != VP8_STATUS_OK) {
        snprintf(info->why, sizeof info->why, "no readable WebP header");
        return IMAGE_BAD_HEADER;
    }
    info->width = (unsigned)config.input.width;
    info->height = (unsigned)config.input.height;
    if (config.input.has_animation || too_large(info->width, info->height))
        return IMAGE_OK; /* animations are checked as far as their header */
    /* decoded into a small copy: the whole bitstream is still read */
    config.options.use_scaling = 1;
    config.options.scaled_width = info->width < 64 ? (int)info->width : 64;
    config.options.scaled_height = info->height < 64 ? (int)info->height : 64;
    config.options.bypass_filtering = 1;
    config.output.colorspace = MODE_RGBA;
    VP8StatusCode rc = WebPDecode(data, len, &config);
    WebPFreeDecBuffer(&config.output);
    if (rc != VP8_STATUS_OK) {
        snprintf(info->why, sizeof info->why, "%s",
                 rc == VP8_STATUS_NOT_ENOUGH_DATA ? "the file ends inside its data (truncated)"
                                                  : "the WebP data does not decode");
        return IMAGE_CORRUPT;
    }
    return IMAGE_OK;
}

image_status image_probe(const unsigned char *data, size_t len, image_format expected,
                         image_info *info)
{
    memset(info, 0, sizeof *info);
    info->format = image_sniff(data, len);
    image_format f = expected != IMAGE_UNKNOWN ? expected : info->format;
    if (f != IMAGE_UNKNOWN && info->format != f) {
        snprintf(info->why, sizeof info->why,
                 len == 0 ? "the file is empty" : "the file does not start with a %s header",
                 image_format_name(f));
        return IMAGE_BAD_HEADER;
    }
    switch (f) {
    case IMAGE_PNG:
        return probe_png(data, len, info);
    case IMAGE_JPEG:
        return probe_jpeg(data, len, info);
    case IMAGE_GIF:
        return probe_gif(data, len, info);
    case IMAGE_WEBP:
        return probe_webp(data, len, info);
    default:
        snprintf(info->why, sizeof info->why, "not a PNG, JPEG, GIF or WebP image");
        return IMAGE_NOT_PROBED;
    }
}
