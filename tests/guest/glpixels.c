/* glpixels: a GL ES 2 client with a fixed scene, for comparing pixels across
 * paths (a guest through pv3d vhost-user, pv3d serve, native llvmpipe).
 *
 * Renders into a 128x128 framebuffer object (a texture, a depth renderbuffer),
 * so the window system only provides the context: EGL's default display
 * (EGL_PLATFORM=surfaceless in a guest, X11 under Xvfb on the host), no
 * config, no surface.  The scene: a clear, a smooth-shaded triangle, a
 * nearest-filtered checker texture uploaded from memory, a half-transparent
 * blended quad, and two overlapping depth-tested triangles.  Prints
 * "GL_RENDERER: ..." then "PIXELS 128 128" and one line of hex RGBA per row,
 * bottom row first (glReadPixels order), then "END".  Exit status 0 when
 * every call succeeded.  Build: cc -O2 -o glpixels glpixels.c -lEGL -lGLESv2
 */
#include <EGL/egl.h>
#include <EGL/eglext.h>
#include <GLES2/gl2.h>
#include <stdio.h>
#include <stdlib.h>

#define SIZE 128

static void die(const char *what)
{
    fprintf(stderr, "glpixels: %s failed (EGL 0x%x, GL 0x%x)\n", what, eglGetError(), glGetError());
    exit(1);
}

static GLuint shader(GLenum type, const char *src)
{
    GLuint s = glCreateShader(type);
    GLint ok = 0;
    glShaderSource(s, 1, &src, NULL);
    glCompileShader(s);
    glGetShaderiv(s, GL_COMPILE_STATUS, &ok);
    if (!ok)
        die("shader compile");
    return s;
}

static GLuint program(const char *vs, const char *fs)
{
    GLuint p = glCreateProgram();
    GLint ok = 0;
    glAttachShader(p, shader(GL_VERTEX_SHADER, vs));
    glAttachShader(p, shader(GL_FRAGMENT_SHADER, fs));
    glBindAttribLocation(p, 0, "pos");
    glBindAttribLocation(p, 1, "attr");
    glLinkProgram(p);
    glGetProgramiv(p, GL_LINK_STATUS, &ok);
    if (!ok)
        die("program link");
    return p;
}

/* Draws `n` vertices of (x, y, z, a0, a1, a2, a3). */
static void draw(GLenum mode, const GLfloat *v, int n)
{
    glVertexAttribPointer(0, 3, GL_FLOAT, GL_FALSE, 7 * sizeof(GLfloat), v);
    glVertexAttribPointer(1, 4, GL_FLOAT, GL_FALSE, 7 * sizeof(GLfloat), v + 3);
    glEnableVertexAttribArray(0);
    glEnableVertexAttribArray(1);
    glDrawArrays(mode, 0, n);
}

int main(void)
{
    EGLDisplay dpy = eglGetDisplay(EGL_DEFAULT_DISPLAY);
    EGLint major, minor;
    if (dpy == EGL_NO_DISPLAY || !eglInitialize(dpy, &major, &minor))
        die("eglInitialize");
    if (!eglBindAPI(EGL_OPENGL_ES_API))
        die("eglBindAPI");
    static const EGLint ctx_attribs[] = {EGL_CONTEXT_CLIENT_VERSION, 2, EGL_NONE};
    EGLContext ctx = eglCreateContext(dpy, EGL_NO_CONFIG_KHR, EGL_NO_CONTEXT, ctx_attribs);
    if (ctx == EGL_NO_CONTEXT || !eglMakeCurrent(dpy, EGL_NO_SURFACE, EGL_NO_SURFACE, ctx))
        die("context");
    printf("GL_RENDERER: %s\n", (const char *)glGetString(GL_RENDERER));

    GLuint fb, depth;
    glGenFramebuffers(1, &fb);
    glGenRenderbuffers(1, &depth);
    glBindRenderbuffer(GL_RENDERBUFFER, depth);
    glRenderbufferStorage(GL_RENDERBUFFER, GL_DEPTH_COMPONENT16, SIZE, SIZE);
    GLuint tex_target;
    glGenTextures(1, &tex_target);
    glBindTexture(GL_TEXTURE_2D, tex_target);
    glTexImage2D(GL_TEXTURE_2D, 0, GL_RGBA, SIZE, SIZE, 0, GL_RGBA, GL_UNSIGNED_BYTE, NULL);
    glBindFramebuffer(GL_FRAMEBUFFER, fb);
    glFramebufferTexture2D(GL_FRAMEBUFFER, GL_COLOR_ATTACHMENT0, GL_TEXTURE_2D, tex_target, 0);
    glFramebufferRenderbuffer(GL_FRAMEBUFFER, GL_DEPTH_ATTACHMENT, GL_RENDERBUFFER, depth);
    if (glCheckFramebufferStatus(GL_FRAMEBUFFER) != GL_FRAMEBUFFER_COMPLETE)
        die("framebuffer");
    glViewport(0, 0, SIZE, SIZE);

    GLuint colour = program("attribute vec3 pos; attribute vec4 attr; varying vec4 c;\n"
                            "void main() { c = attr; gl_Position = vec4(pos, 1.0); }\n",
                            "precision mediump float; varying vec4 c;\n"
                            "void main() { gl_FragColor = c; }\n");
    GLuint textured = program("attribute vec3 pos; attribute vec4 attr; varying vec2 uv;\n"
                              "void main() { uv = attr.xy; gl_Position = vec4(pos, 1.0); }\n",
                              "precision mediump float; varying vec2 uv; uniform sampler2D t;\n"
                              "void main() { gl_FragColor = texture2D(t, uv); }\n");

    glClearColor(0.1f, 0.2f, 0.3f, 1.0f);
    glClearDepthf(1.0f);
    glClear(GL_COLOR_BUFFER_BIT | GL_DEPTH_BUFFER_BIT);

    /* Smooth-shaded triangle. */
    glUseProgram(colour);
    static const GLfloat tri[] = {
        -0.9f, -0.9f, 0.0f, 1, 0, 0, 1,
        0.1f, -0.9f, 0.0f, 0, 1, 0, 1,
        -0.4f, 0.1f, 0.0f, 0, 0, 1, 1,
    };
    draw(GL_TRIANGLES, tri, 3);

    /* 8x8 checker texture, nearest filtering, on a quad. */
    GLubyte checker[8 * 8 * 4];
    for (int i = 0; i < 64; i++) {
        int on = ((i % 8) + (i / 8)) % 2;
        checker[4 * i + 0] = on ? 250 : 20;
        checker[4 * i + 1] = on ? 200 : 40;
        checker[4 * i + 2] = on ? 30 : 160;
        checker[4 * i + 3] = 255;
    }
    GLuint tex;
    glGenTextures(1, &tex);
    glBindTexture(GL_TEXTURE_2D, tex);
    glPixelStorei(GL_UNPACK_ALIGNMENT, 1);
    glTexImage2D(GL_TEXTURE_2D, 0, GL_RGBA, 8, 8, 0, GL_RGBA, GL_UNSIGNED_BYTE, checker);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_NEAREST);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_NEAREST);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
    glUseProgram(textured);
    glUniform1i(glGetUniformLocation(textured, "t"), 0);
    static const GLfloat quad[] = {
        0.125f, 0.125f, 0.0f, 0, 0, 0, 0,
        0.875f, 0.125f, 0.0f, 1, 0, 0, 0,
        0.125f, 0.875f, 0.0f, 0, 1, 0, 0,
        0.875f, 0.875f, 0.0f, 1, 1, 0, 0,
    };
    draw(GL_TRIANGLE_STRIP, quad, 4);

    /* Half-transparent quad, blended over both. */
    glUseProgram(colour);
    glEnable(GL_BLEND);
    glBlendFunc(GL_SRC_ALPHA, GL_ONE_MINUS_SRC_ALPHA);
    static const GLfloat veil[] = {
        -0.5f, -0.25f, 0.0f, 1, 1, 1, 0.5f,
        0.5f, -0.25f, 0.0f, 1, 1, 1, 0.5f,
        -0.5f, 0.5f, 0.0f, 1, 1, 1, 0.5f,
        0.5f, 0.5f, 0.0f, 1, 1, 1, 0.5f,
    };
    draw(GL_TRIANGLE_STRIP, veil, 4);
    glDisable(GL_BLEND);

    /* Two triangles crossing in depth: the nearer one wins per pixel. */
    glEnable(GL_DEPTH_TEST);
    glDepthFunc(GL_LESS);
    static const GLfloat near_far[] = {
        0.0f, -1.0f, -0.5f, 1, 0, 1, 1,
        1.0f, -1.0f, 0.5f, 1, 0, 1, 1,
        0.5f, -0.2f, 0.0f, 1, 0, 1, 1,
        0.0f, -0.6f, 0.5f, 0, 1, 1, 1,
        1.0f, -0.6f, -0.5f, 0, 1, 1, 1,
        0.5f, -0.9f, 0.0f, 0, 1, 1, 1,
    };
    draw(GL_TRIANGLES, near_far, 6);
    glDisable(GL_DEPTH_TEST);

    static GLubyte px[SIZE * SIZE * 4];
    glPixelStorei(GL_PACK_ALIGNMENT, 1);
    glReadPixels(0, 0, SIZE, SIZE, GL_RGBA, GL_UNSIGNED_BYTE, px);
    if (glGetError() != GL_NO_ERROR)
        die("rendering");
    printf("PIXELS %d %d\n", SIZE, SIZE);
    for (int y = 0; y < SIZE; y++) {
        for (int x = 0; x < SIZE * 4; x++)
            printf("%02x", px[y * SIZE * 4 + x]);
        putchar('\n');
    }
    printf("END\n");
    eglMakeCurrent(dpy, EGL_NO_SURFACE, EGL_NO_SURFACE, EGL_NO_CONTEXT);
    eglDestroyContext(dpy, ctx);
    eglTerminate(dpy);
    return 0;
}
