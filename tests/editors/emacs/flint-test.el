;;; flint-test.el --- Flint through Emacs' eglot, in batch mode  -*- lexical-binding: t -*-
;;
;; Run by tests/editors/run.mjs with FLINT_LSP, FLINT_MODEL_PORT (the scripted model
;; server) and FLINT_WORKDIR set.  Emacs 28 with eglot 1.9 (Debian bookworm) has no
;; inline-completion UI, so the request is made raw through eglot's connection and
;; the item applied with eglot's own text-edit code, as a client package would.
;;
;; What it proves, on eglot's real wire behaviour (its initialize, UTF-16 positions,
;; incremental didChange): flint/status reaches the client; edits reach Flint
;; intact; an inline completion after non-ASCII text has the right UTF-16 range and
;; completes the line; shutdown is answered.

;; -Q skips the site start-up that would point package.el at Debian's elpa-* packages.
(require 'package)
(add-to-list 'package-directory-list "/usr/share/emacs/site-lisp/elpa")
(package-initialize)
(require 'eglot)
(require 'python)

(defvar flint-test-failures 0)
(defvar flint-test-statuses nil)
(defvar flint-test-partials nil)

(defun flint-test-say (fmt &rest args)
  (princ (concat (apply #'format fmt args) "\n")))

(defun flint-test-check (ok what)
  (flint-test-say "%s %s" (if ok "ok  " "FAIL") what)
  (unless ok (setq flint-test-failures (1+ flint-test-failures)))
  ok)

(defun flint-test-wait (predicate seconds)
  "Process output until PREDICATE holds or SECONDS pass; return whether it held."
  (let ((deadline (+ (float-time) seconds)))
    (while (and (not (funcall predicate)) (< (float-time) deadline))
      (accept-process-output nil 0.05))
    (funcall predicate)))

(defun flint-test-utf16-length (text)
  (let ((n 0))
    (dolist (c (string-to-list text) n)
      (setq n (+ n (if (> c #xFFFF) 2 1))))))

(cl-defmethod eglot-handle-notification (_server (_method (eql flint/status)) &rest params)
  (push params flint-test-statuses))

(cl-defmethod eglot-handle-notification
  (_server (_method (eql flint/inlineCompletion/partial)) &rest params)
  (push params flint-test-partials))

(defun flint-test-finish ()
  (kill-emacs (if (zerop flint-test-failures) 0 1)))

(let* ((workdir (file-name-as-directory (getenv "FLINT_WORKDIR")))
       (default-directory workdir)
       (endpoint (format "http://127.0.0.1:%s/v1" (getenv "FLINT_MODEL_PORT")))
       (contact `(,(getenv "FLINT_LSP") "--stdio" "--log-file" ,(concat workdir "flint.log")
                  "--log-level" "trace"
                  :initializationOptions
                  (:provider (:kind "openai-chat" :endpoint ,endpoint :model "scripted"
                              :apiKeyEnv "FLINT_API_KEY"))))
       (eglot-sync-connect 15)
       server)
  (find-file (concat workdir "greet.py"))
  (python-mode)
  (setq server (eglot '(python-mode) (cons 'transient workdir) 'eglot-lsp-server contact "python"))
  (unless (flint-test-check (and server (flint-test-wait #'eglot-current-server 15)) "eglot connected")
    (flint-test-finish))
  (setq server (eglot-current-server))
  (flint-test-check
   (flint-test-wait (lambda () (cl-find "ready" flint-test-statuses
                                        :key (lambda (s) (plist-get s :state)) :test #'equal))
                    15)
   "flint/status says ready")

  ;; Edit the buffer as a user would; eglot sends incremental changes.
  (goto-char (point-min))
  (end-of-line)
  (insert "  # \u00e9dited")
  (goto-char (point-max))
  (insert "\ngreet(\"w\u00f6rld\")\n")
  (eglot--signal-textDocument/didChange)

  ;; The cursor at the end of the `message = ...' line, after `" + '.
  (goto-char (point-min))
  (forward-line 3)
  (end-of-line)
  (let* ((line (buffer-substring (line-beginning-position) (line-end-position)))
         (position (eglot--TextDocumentPositionParams))
         (inspected (jsonrpc-request server :flint/inspect position :timeout 15)))
    (flint-test-check
     (equal (plist-get inspected :length)
            (flint-test-utf16-length (buffer-substring-no-properties (point-min) (point-max))))
     (format "Flint's text is the buffer's (%s UTF-16 units)" (plist-get inspected :length)))
    (flint-test-check (equal (plist-get inspected :positionEncoding) "utf-16")
                      "position encoding negotiated: utf-16")
    (let* ((result (jsonrpc-request server :textDocument/inlineCompletion
                                    (append position '(:context (:triggerKind 1))) :timeout 15))
           (items (plist-get result :items)))
      (when (flint-test-check (= (length items) 1) "one inline completion item")
        (let* ((item (aref items 0))
               (start (plist-get (plist-get item :range) :start)))
          (flint-test-say "     item: %S at %s:%s (UTF-16)" (plist-get item :insertText)
                          (plist-get start :line) (plist-get start :character))
          (flint-test-check (equal (plist-get start :character)
                                   (plist-get (plist-get position :position) :character))
                            "its range starts at the cursor in UTF-16")
          (eglot--apply-text-edits
           (vector (list :range (plist-get item :range) :newText (plist-get item :insertText))))
          (goto-char (point-min))
          (forward-line 3)
          (let ((applied (buffer-substring (line-beginning-position) (line-end-position))))
            (flint-test-say "     line after accepting: %s" applied)
            (flint-test-check (equal applied (concat line "name.upper()"))
                              "accepting it completes the line"))))))
  (flint-test-check
   (flint-test-wait (lambda () (and flint-test-partials (plist-get (car flint-test-partials) :done))) 5)
   "flint/inlineCompletion/partial streamed, ending with done")

  ;; eglot-shutdown sends `shutdown' and `exit', then deletes the process at once
  ;; (jsonrpc-shutdown), so the exit code is eglot's SIGKILL; what Flint controls is
  ;; that `shutdown' is answered.
  (let ((process (jsonrpc--process server)))
    (flint-test-check (condition-case nil (progn (eglot-shutdown server nil 10) t) (error nil))
                      "shutdown answered")
    (flint-test-check (flint-test-wait (lambda () (not (process-live-p process))) 10)
                      "the server is gone after eglot-shutdown"))
  (flint-test-finish))

;;; flint-test.el ends here
