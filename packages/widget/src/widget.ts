/** Entry of `/widget.js`: the bundle a page loads with one `<script type="module">`. */
import './define.js';
