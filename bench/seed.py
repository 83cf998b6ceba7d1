"""The peer: the seed article's app ("Sessions in Flask", TestDriven.io), as written.

It renders its greeting with render_template_string, which compiles the
template again on every request. Only the secret key differs: it comes from
FLASK_SECRET_KEY, as Session Lab's does, instead of a sample string.
"""

from flask import Flask, redirect, render_template_string, request, session, url_for

app = Flask(__name__)
app.config.from_prefixed_env()


@app.route("/set_email", methods=["GET", "POST"])
def set_email():
    """Ask for an email address and keep it in the session."""
    if request.method == "POST":
        session["email"] = request.form["email_address"]
        return redirect(url_for("get_email"))
    return """
        <form method="post">
            <label for="email">Enter your email address:</label>
            <input type="email" id="email" name="email_address" required />
            <button type="submit">Submit</button>
        </form>
        """


@app.route("/get_email")
def get_email():
    """Greet the visitor by the email in the session, or ask for one."""
    return render_template_string(
        """
        {% if session['email'] %}
            <h1>Welcome {{ session['email'] }}!</h1>
        {% else %}
            <h1>Welcome! Please enter your email <a href="{{ url_for('set_email') }}">here.</a></h1>
        {% endif %}
        """
    )


@app.route("/delete_email")
def delete_email():
    """Remove the email from the session."""
    session.pop("email", default=None)
    return "<h1>Session deleted!</h1>"
